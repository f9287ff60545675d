// Shared helpers for benchmarks: own database (cloned from the migrated template), own Redis prefix,
// free ports, percentiles, and the one-JSON-object last line (shared/quality.md).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
// @ts-expect-error build.mjs is plain JavaScript without type declarations
import { NODE_ARGS } from "../../apps/worker/build.mjs";
import {
  cleanRedisPrefix,
  createTestDatabase,
  dropTestDatabase,
  ensureTemplateDatabase,
} from "../../packages/db/src/testing/index.ts";

export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  ceiling: number | null;
  ratio: number | null;
  target: string;
  pass: boolean;
  [k: string]: unknown;
}

export const log = (...args: unknown[]) => console.info(...args);

/** Prints the result as the LAST line of output (one JSON object). */
export function report(r: BenchResult): void {
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

export const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function requireBinary(name: string, debianPackage: string): string {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = r.stdout.trim();
  if (r.status !== 0 || !path) {
    throw new Error(
      `${name} not found: install the Debian package \`${debianPackage}\` (apt-get install -y ${debianPackage})`,
    );
  }
  return path;
}

export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number`);
  return n;
}

export interface BenchDatabase {
  name: string;
  databaseUrl: string;
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  redisPrefix: string;
  admin(): Promise<pg.Client>;
  drop(): Promise<void>;
}

/**
 * A database of our own, cloned from the migrated template (built on first use), and a Redis prefix
 * of our own. Sets DATABASE_URL / APP_DATABASE_URL / SYSTEM_DATABASE_URL / REDIS_PREFIX in
 * process.env: import product modules (which read env at import) only AFTER this resolves.
 */
export async function setupDatabase(benchId: string): Promise<BenchDatabase> {
  const template = await ensureTemplateDatabase();
  const db = await createTestDatabase(template);
  const redisPrefix = `bench-${benchId.toLowerCase()}-${db.id}`;
  process.env.DATABASE_URL = db.databaseUrl;
  process.env.APP_DATABASE_URL = db.appDatabaseUrl;
  process.env.SYSTEM_DATABASE_URL = db.systemDatabaseUrl;
  process.env.AUTH_DATABASE_URL = db.authDatabaseUrl;
  process.env.REDIS_PREFIX = redisPrefix;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await dropTestDatabase(db.name).catch((err) => console.warn(`could not drop ${db.name}: ${err}`));
    await cleanRedisPrefix(redisPrefix);
  };
  process.once("SIGINT", () => void drop().finally(() => process.exit(130)));
  return {
    name: db.name,
    databaseUrl: db.databaseUrl,
    appDatabaseUrl: db.appDatabaseUrl,
    systemDatabaseUrl: db.systemDatabaseUrl,
    redisPrefix,
    async admin() {
      const c = new pg.Client({ connectionString: db.databaseUrl, application_name: `steward-bench-${benchId}` });
      c.on("error", () => {}); // dropped at the end with (force)
      await c.connect();
      return c;
    },
    drop,
  };
}

/** Runs a command, resolves with its stdout (rejects on a non-zero exit). */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env ?? process.env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

const WORKER_NODE_ARGS = NODE_ARGS as string[];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Compiles the worker (apps/worker/build.mjs → apps/worker/dist/main.js) and returns the node arguments
 * that run it as `npm start` does (the worker's node flags, then the entry point), plus `extra` flags
 * (BENCH_WORKER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p") before the entry point.
 */
export function buildWorker(extra: readonly string[] = []): string[] {
  const r = spawnSync(process.execPath, [path.join(ROOT, "apps/worker/build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`worker build failed (exit ${r.status})`);
  const fromEnv = process.env.BENCH_WORKER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  return [...WORKER_NODE_ARGS, ...fromEnv, ...extra, path.join(ROOT, "apps/worker/dist/main.js")];
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a child process and waits until it prints `readyLine`; returns a stop function. */
export async function startProcess(
  cmd: string,
  args: string[],
  readyLine = "listening",
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], env });
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      if (buf.includes(readyLine)) resolve();
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${cmd} exited early (${code})`)));
  });
  return {
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
