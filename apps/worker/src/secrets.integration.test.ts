import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo, createServer as createTcpServer } from "node:net";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { redisPrefix } from "@steward/jobs";
import { createSecretBox } from "@steward/secrets";
import { type CreateMonitorInput, createMonitor, updateMonitor, useSecretBox } from "@steward/services";
import { createWorld, tenantContext, type World } from "@steward/services/testing";
import { Redis } from "ioredis";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerApp, type WorkerApp } from "./app.ts";

// Issue 8 items 2 and 3, end to end on real peers: this file's Postgres database and Redis prefix, the
// worker's real pieces (scheduler, BullMQ, probes, batcher, ingest), an HTTP target that accepts only the
// canary Authorization header, a second HTTP target that records what it receives, and a real
// redis-server that requires the canary password. The canaries must reach the probes and nothing else:
// not the database (pg_dump), not Redis (every key and value of this prefix: job payloads included), not
// the logs, not error bodies, not audit rows.

const CANARY_HEADER = `Bearer canary-h-${randomBytes(8).toString("hex")}`;
const CANARY_PASSWORD = `canary-p-${randomBytes(8).toString("hex")}`;
const CANARIES = [CANARY_HEADER, CANARY_PASSWORD, CANARY_HEADER.slice(7)];

const box = createSecretBox({ keys: [{ id: "kcanary", key: randomBytes(32) }] });
const logLines: string[] = [];
let app: WorkerApp;
let w: World;
let admin: pg.Pool;
let redisPeer: ChildProcess;
let redisPort: number;
const targets: { server: Server; seen: IncomingHttpHeaders[]; url: string }[] = [];

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 25_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
  (await admin.query<R>(sql, params)).rows;

async function httpTarget(requireAuth: string | null) {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    const ok = requireAuth === null || req.headers.authorization === requireAuth;
    res.writeHead(ok ? 200 : 401, { "content-type": "text/plain" }).end(ok ? "ok" : "unauthorized");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const t = { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  targets.push(t);
  return t;
}

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Probe results of a monitor after `since`, newest first. */
const resultsOf = (monitorId: string, since: Date) =>
  q<{ state: string; error: string | null }>(
    `SELECT state, error FROM probe_results WHERE monitor_id = $1 AND checked_at > $2 ORDER BY checked_at DESC`,
    [monitorId, since],
  );

beforeAll(async () => {
  useSecretBox(box);
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  w = await createWorld();
  redisPort = await freePort();
  redisPeer = spawn(
    "redis-server",
    [
      "--port",
      String(redisPort),
      "--bind",
      "127.0.0.1",
      "--requirepass",
      CANARY_PASSWORD,
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    { stdio: "ignore" },
  );
  const probe = new Redis({ port: redisPort, host: "127.0.0.1", password: CANARY_PASSWORD, lazyConnect: true });
  probe.on("error", () => {});
  await until(
    "redis peer up",
    async () =>
      (await probe
        .connect()
        .then(() => probe.ping())
        .catch(() => null)) === "PONG",
  );
  probe.disconnect();
  const capture = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  app = createWorkerApp({
    log: pino({ level: "trace" }, capture),
    concurrency: 10,
    flushMs: 50,
    flushRows: 100,
    reconcileMs: 600_000,
    allowCidrs: ["127.0.0.0/8"],
    secrets: box,
  });
});

afterAll(async () => {
  await app?.stop();
  await admin?.end();
  redisPeer?.kill("SIGTERM");
  for (const t of targets) await new Promise((r) => t.server.close(r));
});

describe("monitor secrets end to end (canaries)", () => {
  it("the probes authenticate with the canaries, re-targeting drops them, tampering is a config error, and the canaries are nowhere else", async () => {
    const auth = await httpTarget(CANARY_HEADER);
    const other = await httpTarget(null);
    // The worker runs first (its boot sweep would seal plaintext left in monitors.config, which would hide
    // a create that stored it); the monitors it is to probe arrive through LISTEN/NOTIFY.
    await q(`UPDATE monitors SET paused = true`); // the world's own monitors
    await app.start();
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const httpMon = await createMonitor(ctx, {
      name: "canary http",
      kind: "HTTP",
      config: { url: `${auth.url}/health`, headers: { Authorization: CANARY_HEADER, Accept: "text/plain" } },
    } as CreateMonitorInput);
    const redisMon = await createMonitor(ctx, {
      name: "canary redis",
      kind: "REDIS",
      config: { host: "127.0.0.1", port: redisPort, password: CANARY_PASSWORD },
    } as CreateMonitorInput);
    // A foreign tenant's monitor of the same peer, without a password (its row will get A's sealed one).
    const ctxB = await tenantContext(w.personas.providerAdmin.user, w.tenants.B.id);
    const foreign = await createMonitor(ctxB, {
      name: "copied secrets",
      kind: "REDIS",
      config: { host: "127.0.0.1", port: redisPort },
    } as CreateMonitorInput);
    const ours = [httpMon.id, redisMon.id, foreign.id];
    await q(`UPDATE monitors SET interval_seconds = 1, timeout_ms = 2000 WHERE id = ANY($1)`, [ours]);

    // The probes authenticate: the HTTP target saw the canary header, the Redis peer accepted the password.
    await until(
      "both monitors UP",
      async () =>
        (await q(`SELECT 1 FROM monitors WHERE id = ANY($1) AND state = 'UP'`, [[httpMon.id, redisMon.id]])).length ===
        2,
    );
    expect(auth.seen.some((h) => h.authorization === CANARY_HEADER)).toBe(true);

    // Item 2: only the URL changes (the form sends the hidden header back blank). The new host must
    // never receive the header.
    const t0 = new Date();
    const edit = await updateMonitor(ctx, {
      monitorId: httpMon.id,
      config: { url: `${other.url}/health`, headers: { Authorization: "", Accept: "text/plain" } },
    });
    expect(edit.secretsCleared).toEqual(["headers.Authorization"]);
    await until("the new target probed 3 times", async () => other.seen.length >= 3);
    for (const h of other.seen) {
      expect(h.authorization).toBeUndefined();
      expect(JSON.stringify(h)).not.toContain("canary");
    }
    expect((await resultsOf(httpMon.id, t0))[0]?.state).toBe("UP");

    // A row copied to another tenant does not open: a clear configuration error, the worker keeps going.
    const [{ secrets }] = (await q<{ secrets: object }>(`SELECT secrets FROM monitors WHERE id = $1`, [
      redisMon.id,
    ])) as [{ secrets: object }];
    const t1 = new Date();
    await q(`UPDATE monitors SET secrets = $2 WHERE id = $1`, [foreign.id, secrets]);
    const [copied] = await until("the copied row's probe reports", async () => {
      const r = await resultsOf(foreign.id, t1);
      return r.length ? r : null;
    });
    expect(copied).toMatchObject({ state: "UNKNOWN" });
    expect(copied!.error).toMatch(/cannot be decrypted/);

    // A tampered ciphertext: the same error, never garbage sent as a password.
    const sealed = (secrets as Record<string, string>).password!;
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === "A" ? "B" : "A"}${sealed.at(-1)}`;
    const t2 = new Date();
    await q(`UPDATE monitors SET secrets = jsonb_build_object('password', $2::text) WHERE id = $1`, [
      redisMon.id,
      flipped,
    ]);
    const [tampered] = await until("the tampered row's probe reports", async () => {
      const r = await resultsOf(redisMon.id, t2);
      return r.find((x) => x.state === "UNKNOWN") ? r : null;
    });
    expect(tampered!.error).toMatch(/cannot be decrypted/);

    // Error bodies: a rejected edit does not echo the secret it carried.
    const err = await updateMonitor(ctx, {
      monitorId: httpMon.id,
      config: { url: `${auth.url}/health`, headers: { Authorization: `${CANARY_HEADER}\r\nX: y` } },
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("ValidationError");
    expect(
      JSON.stringify({ message: (err as Error).message, details: (err as { details?: unknown }).details }),
    ).not.toContain("canary");

    await app.stop();

    // Nowhere else: a full database dump (audit rows and probe results included) …
    const { stdout: dump } = await promisify(execFile)("pg_dump", ["--no-owner", process.env.DATABASE_URL!], {
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(dump).toContain("canary http"); // the dump is real
    for (const c of CANARIES) expect(dump).not.toContain(c);
    const audits = await q<{ t: string }>(`SELECT row_to_json(a)::text AS t FROM audit_logs a`);
    expect(audits.length).toBeGreaterThan(0);
    for (const c of CANARIES) expect(audits.map((a) => a.t).join("\n")).not.toContain(c);

    // … every Redis key and value of this suite (job payloads, results, schedulers) …
    const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379");
    try {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await redis.scan(cursor, "MATCH", `${redisPrefix()}*`, "COUNT", 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      expect(keys.length).toBeGreaterThan(0);
      const values: string[] = [...keys];
      for (const k of keys) {
        const type = await redis.type(k);
        if (type === "string") values.push((await redis.get(k)) ?? "");
        else if (type === "hash") values.push(JSON.stringify(await redis.hgetall(k)));
        else if (type === "list") values.push(JSON.stringify(await redis.lrange(k, 0, -1)));
        else if (type === "set") values.push(JSON.stringify(await redis.smembers(k)));
        else if (type === "zset") values.push(JSON.stringify(await redis.zrange(k, "0", "-1")));
        else if (type === "stream") values.push(JSON.stringify(await redis.xrange(k, "-", "+")));
      }
      const all = values.join("\n");
      expect(all).toContain(httpMon.id); // job data was read
      for (const c of CANARIES) expect(all).not.toContain(c);
    } finally {
      redis.disconnect();
    }

    // … and the worker's logs (trace level), which did record the probes.
    const logs = logLines.join("");
    expect(logs).toContain("monitor secrets do not open");
    for (const c of CANARIES) expect(logs).not.toContain(c);
  });
});
