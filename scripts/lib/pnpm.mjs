// Find (or install locally) pnpm 12.21.0 and install the workspace's dependencies.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { capture, FatalError, hashFiles, log, ROOT, runOrFail, which, workspacePackageDirs } from "./util.mjs";

export const PNPM_VERSION = "12.21.0";
const TOOLS_DIR = path.join(ROOT, ".tools");
const LOCAL_BIN = path.join(TOOLS_DIR, "node_modules", ".bin");
const STAMP = path.join(ROOT, "node_modules", ".steward-install-stamp");

function pnpmVersion(bin) {
  const r = capture(bin, ["--version"], { env: { ...process.env, COREPACK_ENABLE_STRICT: "0" } });
  return r.code === 0 ? r.stdout.trim() : null;
}

/** Put `dir` first on PATH (for us and every child we start). */
function prependPath(dir) {
  const parts = (process.env.PATH ?? "").split(path.delimiter).filter((p) => p !== dir);
  process.env.PATH = [dir, ...parts].join(path.delimiter);
}

/**
 * Returns the path of a pnpm 12 binary: the one on PATH when its major is 12, else ./.tools' copy
 * (installed with npm on first use). The chosen binary's folder is put first on PATH so that nested
 * `pnpm` calls (package scripts, turbo) use the same one.
 */
export async function ensurePnpm() {
  const major = PNPM_VERSION.split(".")[0];
  const onPath = which("pnpm");
  if (onPath) {
    const v = pnpmVersion(onPath);
    if (v?.split(".")[0] === major) {
      log(`pnpm ${v} (${onPath})`);
      return onPath;
    }
    log(`pnpm on PATH is ${v ?? "unusable"}; using a local pnpm ${PNPM_VERSION} instead`);
  }
  const local = path.join(LOCAL_BIN, "pnpm");
  if (!(existsSync(local) && pnpmVersion(local) === PNPM_VERSION)) {
    const npm = which("npm");
    if (!npm) throw new FatalError("npm was not found on PATH; install Node.js >= 20.19 (it ships npm).");
    log(`installing pnpm ${PNPM_VERSION} into .tools/ …`);
    await runOrFail("installing pnpm", npm, [
      "install",
      "--no-save",
      "--no-audit",
      "--no-fund",
      "--prefix",
      TOOLS_DIR,
      `pnpm@${PNPM_VERSION}`,
    ]);
    if (pnpmVersion(local) !== PNPM_VERSION) {
      throw new FatalError(`pnpm was installed into .tools/ but \`${local} --version\` does not print ${PNPM_VERSION}`);
    }
  }
  prependPath(LOCAL_BIN);
  log(`pnpm ${PNPM_VERSION} (${local})`);
  return local;
}

function installHash(pnpm) {
  const files = [
    path.join(ROOT, "pnpm-lock.yaml"),
    path.join(ROOT, "pnpm-workspace.yaml"),
    path.join(ROOT, "package.json"),
    ...workspacePackageDirs().map((d) => path.join(d, "package.json")),
  ];
  return hashFiles(files, [pnpm ? pnpmVersion(pnpm) : "", process.version, process.platform, process.arch]);
}

/**
 * `pnpm install --frozen-lockfile`, skipped when node_modules was installed from exactly the current
 * lockfile and manifests (hash stamp in node_modules/).
 */
export async function installDependencies(pnpm, { force = false } = {}) {
  const hash = installHash(pnpm);
  if (!force && existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === hash) {
    log("dependencies up to date (skipping pnpm install)");
    return;
  }
  log("installing dependencies (pnpm install --frozen-lockfile) …");
  await runOrFail("pnpm install", pnpm, ["install", "--frozen-lockfile", "--config.confirmModulesPurge=false"], {
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  });
  writeFileSync(STAMP, `${hash}\n`);
}
