// Postgres and Redis for `npm start` / `npm test`: reuse the ones given by DATABASE_URL / REDIS_URL when
// they answer, otherwise start local ones with their data under .data/ (git-ignored) on a free port.
import { createHash } from "node:crypto";
import {
  chownSync,
  existsSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { aptInstall } from "./apt.mjs";
import {
  capture,
  DATA_DIR,
  ensureDir,
  FatalError,
  isRoot,
  log,
  preferPort,
  ROOT,
  run,
  sleep,
  tcpReachable,
  warn,
  which,
  withDb,
} from "./util.mjs";

export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/steward";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "0.0.0.0"]);
const hostOf = (u) => u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";

// ───────────────────────────── Postgres ─────────────────────────────

function loadPg() {
  try {
    return createRequire(path.join(ROOT, "package.json"))("pg");
  } catch {
    return null;
  }
}

/** TCP connect, then a real login (to the `postgres` database) with the URL's credentials. */
export async function checkPostgres(url) {
  const u = new URL(url);
  const host = hostOf(u);
  const port = Number(u.port || 5432);
  if (!(await tcpReachable(host, port))) return { ok: false, reason: `nothing answers on ${host}:${port}` };
  const pg = loadPg();
  if (!pg) return { ok: false, reason: "the `pg` package is not installed yet (run pnpm install)" };
  for (const db of ["postgres", "template1"]) {
    const client = new pg.Client({ connectionString: withDb(url, db), connectionTimeoutMillis: 5000 });
    client.on("error", () => {});
    try {
      await client.connect();
      const r = await client.query("select current_setting('server_version') as v");
      return { ok: true, version: r.rows[0].v };
    } catch (err) {
      if (err.code === "3D000") continue; // no such database: try the next one
      return { ok: false, reason: err.message };
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { ok: false, reason: "neither the postgres nor the template1 database exists" };
}

function findPgBinDir() {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = path.join(base, v, "bin");
      if (["initdb", "pg_ctl", "postgres"].every((b) => existsSync(path.join(dir, b)))) return dir;
    }
  }
  const pgCtl = which("pg_ctl");
  if (pgCtl && which("initdb")) return path.dirname(realpathSync(pgCtl));
  return null;
}

function binMajor(binDir) {
  const r = capture(path.join(binDir, "postgres"), ["--version"]);
  return r.stdout.match(/(\d+)(\.\d+)?/)?.[1] ?? null;
}

/** uid/gid of the `postgres` user when we are root (initdb refuses root), else undefined (run as ourselves). */
async function postgresUser() {
  if (!isRoot()) return undefined;
  let r = capture("id", ["-u", "postgres"]);
  if (r.code !== 0) {
    log("creating the system user `postgres` (initdb refuses to run as root) …");
    await run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/bin/sh", "postgres"]);
    r = capture("id", ["-u", "postgres"]);
    if (r.code !== 0) throw new FatalError("could not create the `postgres` user (initdb cannot run as root)");
  }
  const uid = Number(r.stdout.trim());
  const gid = Number(capture("id", ["-g", "postgres"]).stdout.trim());
  return { uid, gid };
}

/** .data/pg, owned by the user Postgres runs as. Falls back to /var/tmp when that user cannot reach the repo. */
function preparePgDir(user) {
  ensureDir(DATA_DIR);
  const pgDir = path.join(DATA_DIR, "pg");
  if (!user) return ensureDir(pgDir, 0o700);
  const canUse = (dir) =>
    capture("sh", ["-c", 'test -d "$1" && test -w "$1" && test -x "$1"', "sh", dir], { uid: user.uid, gid: user.gid })
      .code === 0;
  if (!existsSync(pgDir)) {
    ensureDir(pgDir, 0o700);
    chownSync(pgDir, user.uid, user.gid);
    if (!canUse(pgDir)) {
      // e.g. a clone under /root (mode 700): the postgres user cannot traverse it.
      rmSync(pgDir, { recursive: true, force: true });
      const hash = createHash("sha256").update(ROOT).digest("hex").slice(0, 10);
      const outside = ensureDir(`/var/tmp/steward-${hash}-pg`, 0o700);
      chownSync(outside, user.uid, user.gid);
      symlinkSync(outside, pgDir);
      warn(`the postgres user cannot reach ${DATA_DIR}; its data lives in ${outside} (linked from .data/pg)`);
    }
  }
  chownSync(realpathSync(pgDir), user.uid, user.gid);
  return pgDir;
}

function readPostmasterPort(dataDir) {
  try {
    const lines = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n");
    return Number(lines[3]) || null;
  } catch {
    return null;
  }
}

/** Start (or reuse) the Postgres cluster under .data/pg. Returns { url, stop }. */
async function startLocalPostgres(requestedUrl) {
  let binDir = findPgBinDir();
  if (!binDir) {
    await aptInstall(["postgresql"], "PostgreSQL is not reachable and its server binaries are not installed");
    binDir = findPgBinDir();
    if (!binDir)
      throw new FatalError("PostgreSQL was installed but initdb/pg_ctl were not found under /usr/lib/postgresql");
  }
  const user = await postgresUser();
  const asPg = user ? { uid: user.uid, gid: user.gid } : {};
  const pgDir = realpathSync(preparePgDir(user)); // the postgres user may only reach it via /var/tmp
  const dataDir = path.join(pgDir, "data");
  const logFile = path.join(pgDir, "postgres.log");
  const pgEnv = { ...process.env, HOME: pgDir, LC_ALL: "C", LANG: "C" };
  const pgCtl = path.join(binDir, "pg_ctl");
  const major = binMajor(binDir);

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    log(`initialising a PostgreSQL ${major} cluster in ${dataDir} …`);
    const code = await run(
      path.join(binDir, "initdb"),
      ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
      { env: pgEnv, cwd: pgDir, stdio: ["ignore", "ignore", "inherit"], ...asPg },
    );
    if (code !== 0) throw new FatalError(`initdb failed (exit ${code}); see the output above`);
    // Local, disposable: listen on loopback only, no Unix socket, room for per-test-file databases.
    const conf = path.join(dataDir, "postgresql.conf");
    writeFileSync(
      conf,
      `${readFileSync(conf, "utf8")}
# Added by scripts/lib/services.mjs
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
synchronous_commit = off
`,
    );
  } else {
    const have = readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim();
    if (major && have !== major) {
      throw new FatalError(
        `.data/pg holds a PostgreSQL ${have} cluster but the installed server is ${major}. ` +
          `Delete ${path.relative(ROOT, pgDir)} (local demo data only) and run again.`,
      );
    }
  }

  const localUrl = (port) => {
    const u = new URL(DEFAULT_DATABASE_URL);
    u.port = String(port);
    u.pathname = new URL(requestedUrl).pathname || "/steward";
    return u.toString();
  };
  const stop = async () => {
    log("stopping the local PostgreSQL …");
    await run(pgCtl, ["stop", "-D", dataDir, "-m", "fast", "-w", "-s"], {
      env: pgEnv,
      cwd: pgDir,
      stdio: ["ignore", "ignore", "inherit"],
      ...asPg,
    });
  };

  // Already running from an earlier run (e.g. an `npm start` in another terminal): reuse it, leave it running.
  if (capture(pgCtl, ["status", "-D", dataDir], { env: pgEnv, cwd: pgDir, ...asPg }).code === 0) {
    const port = readPostmasterPort(dataDir);
    if (port && (await checkPostgres(localUrl(port))).ok) {
      log(`reusing the local PostgreSQL already running on 127.0.0.1:${port}`);
      return { url: localUrl(port), started: false, stop: async () => {} };
    }
  }

  const req = new URL(requestedUrl);
  const preferred = LOCAL_HOSTS.has(hostOf(req)) ? Number(req.port || 5432) : 5432;
  const port = await preferPort(preferred);
  log(`starting a local PostgreSQL ${major} on 127.0.0.1:${port} (data in ${dataDir}) …`);
  const code = await run(pgCtl, ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-s", "-o", `-p ${port}`], {
    env: pgEnv,
    cwd: pgDir,
    ...asPg,
  });
  if (code !== 0) {
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "";
    throw new FatalError(`could not start the local PostgreSQL (pg_ctl exit ${code}). Last log lines:\n${tail}`);
  }
  const url = localUrl(port);
  const check = await checkPostgres(url);
  if (!check.ok) {
    await stop();
    throw new FatalError(`the local PostgreSQL started but does not answer: ${check.reason}`);
  }
  return { url, started: true, stop };
}

/**
 * Make Postgres available. Returns { url, started, stop }: `url` is the admin DATABASE_URL actually in
 * use (the requested one when it answered, else the local cluster's); `stop` stops what we started.
 */
export async function ensurePostgres(requestedUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL) {
  const check = await checkPostgres(requestedUrl);
  if (check.ok) {
    log(`PostgreSQL ${check.version} at ${redact(requestedUrl)}`);
    return { url: requestedUrl, started: false, stop: async () => {} };
  }
  log(`PostgreSQL at ${redact(requestedUrl)} is not usable (${check.reason}); using a local one`);
  return startLocalPostgres(requestedUrl);
}

// ───────────────────────────── Redis ─────────────────────────────

/** Minimal RESP parser: returns [value, nextOffset] or null when the buffer is incomplete. */
function parseResp(buf, i = 0) {
  const eol = buf.indexOf("\r\n", i);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[i]);
  const line = buf.toString("utf8", i + 1, eol);
  const next = eol + 2;
  if (type === "+") return [line, next];
  if (type === "-") return [new Error(line), next];
  if (type === ":") return [Number(line), next];
  if (type === "$") {
    const len = Number(line);
    if (len < 0) return [null, next];
    if (buf.length < next + len + 2) return null;
    return [buf.toString("utf8", next, next + len), next + len + 2];
  }
  if (type === "*") {
    const n = Number(line);
    const items = [];
    let at = next;
    for (let k = 0; k < n; k++) {
      const r = parseResp(buf, at);
      if (!r) return null;
      items.push(r[0]);
      at = r[1];
    }
    return [n < 0 ? null : items, at];
  }
  throw new Error(`unexpected RESP reply type ${JSON.stringify(type)}`);
}

const encodeResp = (args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/** Send commands (pipelined, after AUTH/SELECT from the URL) and return their replies (Errors for -ERR). */
export function redisCommands(url, commands, timeoutMs = 3000) {
  const u = new URL(url);
  const host = hostOf(u);
  const port = Number(u.port || 6379);
  const pre = [];
  if (u.password)
    pre.push(
      u.username
        ? ["AUTH", decodeURIComponent(u.username), decodeURIComponent(u.password)]
        : ["AUTH", decodeURIComponent(u.password)],
    );
  else if (u.username) pre.push(["AUTH", decodeURIComponent(u.username)]);
  const db = u.pathname.replace(/^\//, "");
  if (db) pre.push(["SELECT", db]);
  const all = [...pre, ...commands];
  return new Promise((resolve, reject) => {
    const sock = u.protocol === "rediss:" ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const fail = (err) => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)));
    sock.once("error", fail);
    sock.once(u.protocol === "rediss:" ? "secureConnect" : "connect", () => sock.write(all.map(encodeResp).join("")));
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const replies = [];
      let at = 0;
      try {
        while (replies.length < all.length) {
          const r = parseResp(buf, at);
          if (!r) return; // wait for more data
          replies.push(r[0]);
          at = r[1];
        }
      } catch (err) {
        return fail(err);
      }
      sock.end();
      const preErr = replies.slice(0, pre.length).find((r) => r instanceof Error);
      if (preErr) return reject(preErr);
      resolve(replies.slice(pre.length));
    });
    sock.once("end", () => reject(new Error("connection closed before the reply")));
  });
}

/** TCP connect plus a real PING → PONG; also reports maxmemory-policy when CONFIG is allowed. */
export async function checkRedis(url) {
  const u = new URL(url);
  const host = hostOf(u);
  const port = Number(u.port || 6379);
  if (!(await tcpReachable(host, port))) return { ok: false, reason: `nothing answers on ${host}:${port}` };
  try {
    const [pong, policy] = await redisCommands(url, [["PING"], ["CONFIG", "GET", "maxmemory-policy"]]);
    if (pong !== "PONG") return { ok: false, reason: pong instanceof Error ? pong.message : `PING answered ${pong}` };
    return { ok: true, policy: Array.isArray(policy) ? policy[1] : null };
  } catch (err) {
    return { ok: false, reason: err.message };
  }
}

function findRedisServer() {
  return (
    which("redis-server") ?? ["/usr/bin/redis-server", "/usr/sbin/redis-server"].find((p) => existsSync(p)) ?? null
  );
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

async function startLocalRedis(requestedUrl) {
  const dir = ensureDir(path.join(ensureDir(DATA_DIR), "redis"));
  const pidFile = path.join(dir, "redis.pid");
  const portFile = path.join(dir, "port");
  const urlFor = (port) => `redis://127.0.0.1:${port}`;
  const readPid = () => {
    try {
      return Number(readFileSync(pidFile, "utf8").trim()) || null;
    } catch {
      return null;
    }
  };

  // Already running from an earlier run: reuse it and leave it running.
  const oldPid = readPid();
  if (oldPid && pidAlive(oldPid) && existsSync(portFile)) {
    const port = Number(readFileSync(portFile, "utf8").trim());
    if (port && (await checkRedis(urlFor(port))).ok) {
      log(`reusing the local Redis already running on 127.0.0.1:${port}`);
      return { url: urlFor(port), started: false, stop: async () => {} };
    }
  }

  let bin = findRedisServer();
  if (!bin) {
    await aptInstall(["redis-server"], "Redis is not reachable and redis-server is not installed");
    bin = findRedisServer();
    if (!bin) throw new FatalError("redis-server was installed but is not on PATH");
  }
  const req = new URL(requestedUrl);
  const port = await preferPort(LOCAL_HOSTS.has(hostOf(req)) ? Number(req.port || 6379) : 6379);
  log(`starting a local Redis on 127.0.0.1:${port} (files in ${path.relative(ROOT, dir)}) …`);
  rmSync(pidFile, { force: true });
  const code = await run(
    bin,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--daemonize",
      "yes",
      "--pidfile",
      pidFile,
      "--logfile",
      path.join(dir, "redis.log"),
      "--dir",
      dir,
      "--maxmemory-policy",
      "noeviction",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { cwd: dir },
  );
  if (code !== 0) throw new FatalError(`redis-server exited with ${code}; see ${path.relative(ROOT, dir)}/redis.log`);
  writeFileSync(portFile, `${port}\n`);
  const url = urlFor(port);
  const deadline = Date.now() + 10_000;
  let check = await checkRedis(url);
  while (!check.ok && Date.now() < deadline) {
    await sleep(100);
    check = await checkRedis(url);
  }
  if (!check.ok) throw new FatalError(`the local Redis did not answer PING: ${check.reason}`);
  const pid = readPid();
  const stop = async () => {
    if (!pid || !pidAlive(pid)) return;
    log("stopping the local Redis …");
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && pidAlive(pid); i++) await sleep(50);
  };
  return { url, started: true, stop };
}

/** Make Redis available. Returns { url, started, stop } like ensurePostgres. */
export async function ensureRedis(requestedUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL) {
  const check = await checkRedis(requestedUrl);
  if (check.ok) {
    log(`Redis at ${redact(requestedUrl)}`);
    if (check.policy && check.policy !== "noeviction") {
      warn(
        `Redis maxmemory-policy is ${check.policy}; BullMQ needs noeviction (CONFIG SET maxmemory-policy noeviction)`,
      );
    }
    return { url: requestedUrl, started: false, stop: async () => {} };
  }
  log(`Redis at ${redact(requestedUrl)} is not usable (${check.reason}); using a local one`);
  return startLocalRedis(requestedUrl);
}

/** Hide a password in a URL for printing. */
export function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Postgres and Redis together: when both need installing, one apt command covers them. Returns
 * { databaseUrl, redisUrl, stop } where `stop` stops only what this call started.
 */
export async function ensureServices({
  databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL,
} = {}) {
  const [pgCheck, redisCheck] = await Promise.all([checkPostgres(databaseUrl), checkRedis(redisUrl)]);
  const missing = [];
  if (!pgCheck.ok && !findPgBinDir()) missing.push("postgresql");
  if (!redisCheck.ok && !findRedisServer()) missing.push("redis-server");
  if (missing.length) {
    const what = missing.map((p) => (p === "postgresql" ? "PostgreSQL" : "Redis")).join(" and ");
    await aptInstall(missing, `${what} ${missing.length > 1 ? "are" : "is"} not reachable and not installed`);
  }
  const pg = await ensurePostgres(databaseUrl);
  let redis;
  try {
    redis = await ensureRedis(redisUrl);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  return {
    databaseUrl: pg.url,
    redisUrl: redis.url,
    startedPostgres: pg.started,
    startedRedis: redis.started,
    stop: async () => {
      await redis.stop();
      await pg.stop();
    },
  };
}
