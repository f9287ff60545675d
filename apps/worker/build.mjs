#!/usr/bin/env node
// Compiles the worker to plain JavaScript (dist/main.js) so it runs on bare `node`, without the tsx
// loader: tsx transpiles every module at boot and keeps a module-hooks thread (its own V8 heap) alive for
// the life of the process — tens of MB of RSS before the worker has done anything.
//
// Bundled: the worker and the workspace packages it imports (@steward/*, TypeScript sources).
// Not bundled: npm packages. They stay external, each import rewritten to the absolute path esbuild
// resolves from the importing workspace package (pnpm gives every package its own node_modules), so they
// load from node_modules exactly as they do under tsx. dist/ is therefore tied to this checkout and its
// install: `pnpm --filter @steward/worker start` (and so `npm start`) and the benchmarks rebuild it first
// (≈ 1 s); it is git-ignored. Tests keep running the TypeScript sources through tsx.
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
export const outfile = path.join(here, "dist", "main.js");

/**
 * Node flags the worker runs with (package.json `start` passes them; the benchmarks import them; a unit
 * test keeps the two in step). A young generation of 2 × 8 MB instead of V8's 2 × 16 MB: ≈ 16 MB less RSS
 * (B11: max RSS 147–155 → 139 MB with 10k monitors) for no measurable CPU at 1,000 probes/s — the worker's
 * garbage is short-lived, so scavenges stay cheap.
 */
export const NODE_ARGS = ["--max-semi-space-size=8"];

/**
 * npm packages: external, pinned to the file the importing package resolves.
 * Workspace modules: bundled and marked side-effect free, so a module the worker never uses is dropped
 * together with the npm packages only it imports (the services barrel also exports the web's verbs —
 * password hashing with a native addon, CSV export, …). Workspace modules only declare things at the top
 * level (the probe kinds are an explicit map, not self-registering imports), so nothing used is lost.
 */
const resolveForWorker = {
  name: "resolve-for-worker",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving || args.kind === "entry-point" || args.path.startsWith("node:")) return undefined;
      const r = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { resolving: true },
      });
      if (r.errors.length > 0) return { errors: r.errors };
      // A Node built-in imported without `node:` (e.g. "crypto") stays as written.
      if (!path.isAbsolute(r.path)) return { path: args.path, external: true };
      if (r.path.includes(`${path.sep}node_modules${path.sep}`)) return { path: r.path, external: true };
      return { path: r.path, sideEffects: false };
    });
  },
};

export async function build() {
  return esbuild.build({
    absWorkingDir: here,
    entryPoints: ["src/main.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22", // the oldest supported runtime (package.json engines; ADR 0017)
    sourcemap: true,
    logLevel: "warning",
    plugins: [resolveForWorker],
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  await build();
  console.error(`worker: built ${path.relative(process.cwd(), outfile)} in ${Math.round(performance.now() - t0)} ms`);
}
