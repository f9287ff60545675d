// The product's processes (web, worker, demo estate) as children with prefixed output, readiness waits and
// graceful shutdown. Used by scripts/start.mjs and scripts/stack.mjs (Playwright's webServer).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import {
  color,
  DATA_DIR,
  ensureDir,
  FatalError,
  freePort,
  hashFiles,
  isPortFree,
  listFiles,
  log,
  ROOT,
  run,
  sleep,
  waitForHttp,
  warn,
  workspacePackageDirs,
} from "./util.mjs";

export const DEFAULTS = {
  WEB_PORT: 3000,
  WORKER_HEALTH_PORT: 3101,
  DEMO_ESTATE_URL: "http://127.0.0.1:4100",
};

/** AUTH_SECRET: the environment's, else one generated once into .data/auth-secret. */
export function authSecret() {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  const file = path.join(ensureDir(DATA_DIR), "auth-secret");
  if (existsSync(file)) {
    const s = readFileSync(file, "utf8").trim();
    if (s) return s;
  }
  const s = randomBytes(32).toString("base64url");
  writeFileSync(file, `${s}\n`, { mode: 0o600 });
  log("generated AUTH_SECRET into .data/auth-secret");
  return s;
}

/**
 * STEWARD_SECRETS_KEYS (monitor-secret encryption keys, @steward/secrets): the environment's (or its
 * STEWARD_SECRETS_KEYS_FILE), else one key generated once into .data/secrets-keys (`<id>:<base64>` per
 * line; the same file the package itself uses under NODE_ENV=development|test). Losing it loses every stored
 * monitor secret: back it up with the database.
 */
export function secretsKeys(env = process.env) {
  if (env.STEWARD_SECRETS_KEYS || env.STEWARD_SECRETS_KEYS_FILE) return env.STEWARD_SECRETS_KEYS;
  const file = path.join(ensureDir(DATA_DIR), "secrets-keys");
  if (existsSync(file)) {
    const keys = readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    if (keys.length) return keys.join(",");
  }
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}${randomBytes(2).toString("hex")}`;
  const entry = `${id}:${randomBytes(32).toString("base64")}`;
  writeFileSync(file, `${entry}\n`, { mode: 0o600 });
  log("generated STEWARD_SECRETS_KEYS into .data/secrets-keys");
  return entry;
}

/**
 * Ports and URLs for the stack. Explicit env values are used as given (and must be free); defaults that
 * are taken on this machine are replaced by free ports when `autoPorts` — except the demo estate's, which
 * the seeded monitors point at.
 */
export async function stackEnv(base = process.env, { autoPorts = true } = {}) {
  const env = { ...base };
  const pick = async (name, fallback, explicit) => {
    const port = Number(explicit ?? fallback);
    if (await isPortFree(port)) return port;
    if (explicit !== undefined || !autoPorts) {
      throw new FatalError(
        `port ${port} (${name}) is already in use; stop what holds it or set ${name} to a free port`,
      );
    }
    const other = await freePort();
    warn(`port ${port} is taken; using ${other} for ${name} (set ${name} to choose)`);
    return other;
  };
  env.WEB_PORT = String(await pick("WEB_PORT", DEFAULTS.WEB_PORT, base.WEB_PORT));
  env.WORKER_HEALTH_PORT = String(
    await pick("WORKER_HEALTH_PORT", DEFAULTS.WORKER_HEALTH_PORT, base.WORKER_HEALTH_PORT),
  );
  env.DEMO_ESTATE_URL = base.DEMO_ESTATE_URL || DEFAULTS.DEMO_ESTATE_URL;
  const demo = new URL(env.DEMO_ESTATE_URL);
  const demoPort = Number(demo.port || 80);
  if (!(await isPortFree(demoPort))) {
    throw new FatalError(
      `port ${demoPort} (demo estate, DEMO_ESTATE_URL=${env.DEMO_ESTATE_URL}) is already in use; stop what holds it or set DEMO_ESTATE_URL`,
    );
  }
  env.DEMO_ESTATE_PORT = String(demoPort);
  env.AUTH_URL = base.AUTH_URL || `http://127.0.0.1:${env.WEB_PORT}`;
  env.AUTH_SECRET = authSecret();
  const keys = secretsKeys(base);
  if (keys) env.STEWARD_SECRETS_KEYS = keys;
  env.REDIS_PREFIX = base.REDIS_PREFIX || "steward";
  // The demo stack probes the demo estate on loopback: only its port is allowlisted (SSRF guard of the
  // workers, which also run "test now"), and loopback needs development mode (STEWARD_DEV=1). Nothing else
  // on loopback is reachable; Steward's own ports are denied whatever the list says (docs/ssrf.md).
  env.STEWARD_DEV = base.STEWARD_DEV || "1";
  env.PROBE_ALLOWED_TARGETS = base.PROBE_ALLOWED_TARGETS || demoEstateTargets(demo, demoPort);
  // The local demo's loopback Postgres trusts its roles; a deployment sets real role passwords instead
  // (under NODE_ENV=production @steward/db refuses the built-in ones otherwise).
  env.ALLOW_DEFAULT_DB_PASSWORDS = base.ALLOW_DEFAULT_DB_PASSWORDS || "1";
  env.LOG_LEVEL = base.LOG_LEVEL || "info";
  env.NEXT_TELEMETRY_DISABLED = "1";
  return env;
}

/** The demo estate's (address, port) as allowlist entries: `127.0.0.1/32:4100` (both loopbacks for `localhost`). */
export function demoEstateTargets(url, port) {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return `127.0.0.1/32:${port},[::1/128]:${port}`;
  if (host.includes(":")) return `[${host}/128]:${port}`;
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
    throw new FatalError(
      `DEMO_ESTATE_URL: use an IP address or localhost for the demo estate (got ${host}); the probe allowlist (PROBE_ALLOWED_TARGETS) names addresses, not host names`,
    );
  }
  return `${host}/32:${port}`;
}

// ───────────────────────────── web build ─────────────────────────────

const WEB_DIR = path.join(ROOT, "apps", "web");
const BUILD_STAMP = path.join(WEB_DIR, ".next", ".steward-build-hash");

function webBuildHash(env) {
  const files = [
    ...listFiles(WEB_DIR),
    ...workspacePackageDirs()
      .filter((d) => d.includes(`${path.sep}packages${path.sep}`))
      .flatMap((d) => listFiles(d))
      .filter((f) => !f.includes(`${path.sep}generated${path.sep}`)),
    path.join(ROOT, "prisma", "schema.prisma"),
    path.join(ROOT, "pnpm-lock.yaml"),
    path.join(ROOT, "tsconfig.base.json"),
  ].filter((f) => !/\.(test|spec|integration\.test)\.tsx?$/.test(f) && !f.includes(`${path.sep}e2e${path.sep}`));
  const publicEnv = Object.keys(env)
    .filter((k) => k.startsWith("NEXT_PUBLIC_"))
    .sort()
    .map((k) => `${k}=${env[k]}`);
  return hashFiles(files, publicEnv);
}

/** `pnpm --filter @steward/web build`, skipped when the sources are unchanged since the last build. */
export async function buildWeb(pnpm, env, { force = false } = {}) {
  const hash = webBuildHash(env);
  const built = existsSync(path.join(WEB_DIR, ".next", "BUILD_ID"));
  if (!force && built && existsSync(BUILD_STAMP) && readFileSync(BUILD_STAMP, "utf8").trim() === hash) {
    log("web build up to date (skipping next build)");
    return;
  }
  log("building the web app (next build) …");
  const code = await run(pnpm, ["--filter", "@steward/web", "build"], { env });
  if (code !== 0) throw new FatalError(`web build failed (\`pnpm --filter @steward/web build\` exited with ${code})`);
  writeFileSync(BUILD_STAMP, `${hash}\n`);
}

// ───────────────────────────── processes ─────────────────────────────

const COLORS = { demo: "35", worker: "33", web: "36" };

/**
 * Each child runs in its own process group (detached), so a terminal's Ctrl+C reaches only us and every
 * process gets exactly one SIGTERM: we signal pnpm, which forwards it to the command. Whatever is left of the
 * group after that (or after the grace period) is killed by group id.
 */
function killGroup(child, sig) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, sig);
  } catch {}
}

/** Live descendant pids of `pid` (Linux /proc; empty elsewhere). next start runs next-server in its own group. */
function descendants(pid) {
  const children = new Map();
  let entries = [];
  try {
    entries = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const d of entries) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {}
  }
  const out = [];
  const walk = (p) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const groups = new Set();
// Last resort when we exit without stop() (e.g. an uncaught error): do not leave the stack running.
process.on("exit", () => {
  for (const child of groups) killGroup(child, "SIGTERM");
});

// pnpm reports a command that ended on our SIGTERM as a failure; that is noise while stopping.
const SHUTDOWN_NOISE = /ERR_PNPM_RECURSIVE_(EXEC|RUN)_FIRST_FAIL|"pnpm recursive (exec|run)" failed|ELIFECYCLE|^\s*$/;

function startChild(name, cmd, args, env, isStopping = () => false) {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  groups.add(child);
  const prefix = color(COLORS[name] ?? "0", `${name.padEnd(6)} |`);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      if (isStopping() && SHUTDOWN_NOISE.test(line)) return;
      process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  const proc = { name, child, exited: false, code: null };
  proc.done = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      groups.delete(child);
      killGroup(child, "SIGKILL"); // leftovers of a process that has exited (e.g. a tool's helper process)
      proc.exited = true;
      proc.code = code ?? signal;
      resolve(proc);
    });
    child.on("error", (err) => {
      process.stdout.write(`${prefix} failed to start: ${err.message}\n`);
      proc.exited = true;
      proc.code = 1;
      resolve(proc);
    });
  });
  return proc;
}

/**
 * Start demo estate → worker → web (each after the previous is ready) and wait until all are ready.
 * Returns { procs, urls, stop(), failed } — `failed` resolves with the first process that exits on its own.
 */
export async function startStack(pnpm, env) {
  const procs = [];
  let stopping = false;
  const urls = {
    web: `http://127.0.0.1:${env.WEB_PORT}`,
    demo: env.DEMO_ESTATE_URL,
    worker: `http://127.0.0.1:${env.WORKER_HEALTH_PORT}`,
  };

  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const alive = procs.filter((p) => !p.exited).reverse();
    if (!alive.length) return;
    log(`stopping ${alive.map((p) => p.name).join(", ")} …`);
    const trees = new Map(alive.map((p) => [p, descendants(p.child.pid)]));
    for (const p of alive) p.child.kill("SIGTERM");
    const timeout = sleep(15_000).then(() => "timeout");
    const result = await Promise.race([Promise.all(alive.map((p) => p.done)), timeout]);
    if (result === "timeout") {
      for (const p of alive.filter((q) => !q.exited)) {
        warn(`${p.name} did not stop within 15 s; killing it`);
        killGroup(p.child, "SIGKILL");
        for (const pid of trees.get(p) ?? []) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
      }
    }
  };

  const specs = [
    {
      name: "demo",
      args: ["--filter", "@steward/demo-estate", "start"],
      env: { ...env, PORT: env.DEMO_ESTATE_PORT },
      ready: `${urls.demo.replace(/\/$/, "")}/healthy`,
      timeoutMs: 30_000,
    },
    {
      name: "worker",
      args: ["--filter", "@steward/worker", "start"],
      env,
      ready: `${urls.worker}/ready`,
      timeoutMs: 60_000,
    },
    {
      name: "web",
      args: ["--filter", "@steward/web", "exec", "next", "start", "-p", env.WEB_PORT],
      env: { ...env, PORT: env.WEB_PORT },
      ready: `${urls.web}/api/health/ready`,
      timeoutMs: 60_000,
    },
  ];

  try {
    for (const s of specs) {
      log(`starting ${s.name} …`);
      const proc = startChild(s.name, pnpm, s.args, s.env, () => stopping);
      procs.push(proc);
      await waitForHttp(s.ready, { timeoutMs: s.timeoutMs, alive: () => !proc.exited });
      log(`${s.name} ready (${s.ready})`);
    }
  } catch (err) {
    await stop();
    throw new FatalError(`the stack did not come up: ${err.message}`);
  }

  const failed = Promise.race(procs.map((p) => p.done)).then((p) => (stopping ? null : p));
  return { procs, urls, stop, failed };
}

/** Demo logins (fixed by the seed; see README). */
export const DEMO_PASSWORD = "Steward-demo-1";
export const DEMO_LOGINS = [
  ["provider-admin@steward.test", "PROVIDER_ADMIN", "Steward MSP (all clients)"],
  ["engineer@steward.test", "ENGINEER", "Steward MSP, scope Acme + Globex"],
  ["manager@steward.test", "ACCOUNT_MANAGER", "Steward MSP, scope Initech"],
  ["unscoped@steward.test", "ENGINEER", "Steward MSP, empty scope (sees no tenant)"],
  ["admin@acme.test", "CLIENT_ADMIN", "Acme Corp"],
  ["viewer@acme.test", "CLIENT_VIEWER", "Acme Corp"],
  ["admin@globex.test", "CLIENT_ADMIN", "Globex"],
  ["admin@initech.test", "CLIENT_ADMIN", "Initech"],
];

export function loginsTable() {
  const rows = [["E-mail", "Role", "Organisation / scope"], ...DEMO_LOGINS];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join("   ")}`.trimEnd();
  return [line(rows[0]), `  ${widths.map((w) => "─".repeat(w)).join("   ")}`, ...rows.slice(1).map(line)].join("\n");
}
