// Shared helpers for the bootstrap scripts. Plain Node ESM, zero dependencies: these run on a fresh clone
// before `pnpm install`.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DATA_DIR = path.join(ROOT, ".data");

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
export const color = (code, s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s) => color("1", s);
export const dim = (s) => color("2", s);
export const red = (s) => color("31", s);
export const green = (s) => color("32", s);
export const yellow = (s) => color("33", s);
export const cyan = (s) => color("36", s);

export function log(msg) {
  console.log(`${cyan("[steward]")} ${msg}`);
}
export function warn(msg) {
  console.log(`${yellow("[steward] warning:")} ${msg}`);
}

/** An error whose message is meant for the user as is (no stack trace). */
export class FatalError extends Error {
  constructor(message, { exitCode = 1 } = {}) {
    super(message);
    this.name = "FatalError";
    this.exitCode = exitCode;
  }
}

export function ensureDir(dir, mode = 0o755) {
  mkdirSync(dir, { recursive: true, mode });
  return dir;
}

export function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Locate an executable on PATH (no `which` dependency). */
export function which(name, envPath = process.env.PATH ?? "") {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      const st = statSync(candidate);
      if (st.isFile() && st.mode & 0o111) return candidate;
    } catch {}
  }
  return null;
}

/**
 * Run a command with inherited stdio (streaming). Resolves with the exit code; never rejects on a
 * non-zero exit. Forwards SIGINT/SIGTERM received meanwhile to the child.
 */
export function run(cmd, args, { env = process.env, cwd = ROOT, stdio = "inherit", uid, gid } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio, uid, gid });
    const forward = (sig) => child.kill(sig);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (err) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 128 + (signalNumber(signal) ?? 1) : 1));
    });
  });
}

function signalNumber(sig) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[sig];
}

/** Run a command and throw a FatalError naming `what` when it fails. */
export async function runOrFail(what, cmd, args, opts) {
  let code;
  try {
    code = await run(cmd, args, opts);
  } catch (err) {
    throw new FatalError(`${what} failed: could not run ${cmd}: ${err.message}`);
  }
  if (code !== 0) throw new FatalError(`${what} failed (\`${[cmd, ...args].join(" ")}\` exited with ${code})`);
}

/** Run a command synchronously and capture its output. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: ROOT, ...opts });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

/** True when something accepts TCP connections on host:port. */
export function tcpReachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once("connect", () => done(true));
    sock.once("error", () => done(false));
  });
}

/** True when nothing listens on host:port (we can bind it). */
export function isPortFree(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `preferred` when free on 127.0.0.1 (and not taken on 0.0.0.0), else a free port. */
export async function preferPort(preferred) {
  if (preferred && (await isPortFree(preferred)) && (await isPortFree(preferred, "0.0.0.0"))) return preferred;
  return freePort();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `url` until it answers 2xx. `alive()` returning false (e.g. the child exited) aborts early.
 * Throws with the last error on timeout.
 */
export async function waitForHttp(url, { timeoutMs = 60_000, intervalMs = 250, alive = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`process exited before ${url} was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (err) {
      last = err.cause?.code ?? err.cause?.message ?? err.message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} not ready after ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}

const SKIP_DIRS = new Set([
  "node_modules",
  ".next",
  ".turbo",
  ".git",
  "test-results",
  "playwright-report",
  "coverage",
  "dist",
]);

/** Every file under `dir` (recursively), skipping build output and dependencies. */
export function listFiles(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (SKIP_DIRS.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** sha256 over the (path, content) of every given file plus extra strings. Missing files count as absent. */
export function hashFiles(files, extra = []) {
  const h = createHash("sha256");
  for (const f of [...files].sort()) {
    if (!existsSync(f)) continue;
    h.update(path.relative(ROOT, f));
    h.update("\0");
    h.update(readFileSync(f));
    h.update("\0");
  }
  for (const s of extra) h.update(`${s}\0`);
  return h.digest("hex");
}

/** Workspace package folders (apps/*, packages/*) that have a package.json. */
export function workspacePackageDirs() {
  const dirs = [];
  for (const group of ["apps", "packages"]) {
    const base = path.join(ROOT, group);
    let names = [];
    try {
      names = readdirSync(base);
    } catch {}
    for (const n of names) if (existsSync(path.join(base, n, "package.json"))) dirs.push(path.join(base, n));
  }
  return dirs;
}

/** Replace the user/password and/or database of a postgres URL. */
export function withDb(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Register one async cleanup to run on exit / SIGINT / SIGTERM (in reverse registration order). */
const cleanups = [];
let cleaning = null;
export function onCleanup(fn) {
  cleanups.push(fn);
}
export async function runCleanups() {
  if (!cleaning) {
    cleaning = (async () => {
      while (cleanups.length) {
        const fn = cleanups.pop();
        try {
          await fn();
        } catch (err) {
          warn(`cleanup failed: ${err.message}`);
        }
      }
    })();
  }
  return cleaning;
}

/**
 * Wrap a script's main: prints FatalErrors without a stack, runs cleanups, sets the exit code.
 * SIGINT/SIGTERM run cleanups and exit 130/143.
 */
export function main(fn) {
  let signalled = false;
  const onSignal = (sig) => {
    if (signalled) return;
    signalled = true;
    log(`${sig} received, shutting down…`);
    runCleanups().finally(() => process.exit(128 + (signalNumber(sig) ?? 1)));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  fn()
    .then(async (code) => {
      await runCleanups();
      process.exit(typeof code === "number" ? code : 0);
    })
    .catch(async (err) => {
      if (err instanceof FatalError) console.error(`\n${red("✖")} ${err.message}`);
      else console.error(err);
      await runCleanups();
      process.exit(err?.exitCode ?? 1);
    });
}
