import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { withSystem } from "@steward/db";
import {
  createMonitorTestClient,
  createRedisConnection,
  enqueue,
  type MonitorTestClient,
  monitorTest,
  monitorTestQueueName,
  redisPrefix,
} from "@steward/jobs";
import { buildPlatformDenyList, createSsrfGuard, tenantGuards } from "@steward/probes";
import { createSecretBox } from "@steward/secrets";
import {
  createTestNowLimiter,
  getTenantProbeAllowCidrs,
  NotFoundError,
  RateLimitedError,
  type TestMonitorConfigOptions,
  testConfigOwner,
  testMonitorConfig,
  UnavailableError,
  ValidationError,
} from "@steward/services";
import { createWorld, tenantContext, type World } from "@steward/services/testing";
import { Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMonitorTestProcessor } from "./monitor-test.ts";

// "Test now" end to end on real services (ADR 0012): the API's verb (services) enqueues on Redis (this
// file's prefix), a real BullMQ Worker with the worker's processor answers for region "alpha"; region
// "beta" has a fresh fleet heartbeat but nobody consuming its queue; region "gamma" has no worker at all.
// The target is a loopback HTTP server that records every request it gets.

const CANARY = `canary-secret-${randomBytes(6).toString("hex")}`;
let w: World;
let server: http.Server;
let target: string;
const seen: { authorization: string | undefined }[] = [];
let redis: Redis;
let client: MonitorTestClient;
let worker: Worker;
const sealer = createSecretBox({ keys: [{ id: "test", key: randomBytes(32) }] });
const abort = new AbortController();

const heartbeat = (region: string) =>
  withSystem(
    (tx) =>
      tx.$executeRaw`INSERT INTO probe_workers (id, region, hostname, pid, started_at, last_heartbeat_at)
                   VALUES (gen_random_uuid(), ${region}, 'test', 1, now(), now())`,
  );

function deps(
  limits = { perUser: { points: 1000, durationSeconds: 60 }, perTenant: { points: 1000, durationSeconds: 60 } },
) {
  return {
    client,
    sealer,
    replySlackMs: 1_500,
    limiter: createTestNowLimiter(redis, { prefix: `${redisPrefix()}-${randomBytes(4).toString("hex")}`, limits }),
  } satisfies TestMonitorConfigOptions;
}

/** Every value under this file's Redis prefix, as one string (strings, hashes, lists, sets, zsets, streams). */
async function redisDump(): Promise<string> {
  const keys = await redis.keys(`${redisPrefix()}*`);
  const out: unknown[] = [];
  for (const k of keys) {
    const type = await redis.type(k);
    if (type === "string") out.push(await redis.get(k));
    else if (type === "hash") out.push(await redis.hgetall(k));
    else if (type === "list") out.push(await redis.lrange(k, "0", "-1"));
    else if (type === "set") out.push(await redis.smembers(k));
    else if (type === "zset") out.push(await redis.zrange(k, "0", "-1"));
    else if (type === "stream") out.push(await redis.xrange(k, "-", "+"));
    out.push(k);
  }
  return JSON.stringify(out);
}

beforeAll(async () => {
  w = await createWorld();
  server = http.createServer((req, res) => {
    seen.push({ authorization: req.headers.authorization });
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  redis = createRedisConnection("worker", { name: "monitor-test-it" });
  client = createMonitorTestClient();
  // The deployment allows every loopback port (more than any real deployment may): the platform deny list
  // built from the environment still refuses Steward's own Postgres, Redis, web and worker ports.
  const deployment = createSsrfGuard({
    allowCidrs: ["127.0.0.0/8:1-65535", "[::1/128]:1-65535"],
    deny: await buildPlatformDenyList({}),
  });
  worker = new Worker(
    monitorTestQueueName("alpha"),
    createMonitorTestProcessor({
      guardFor: tenantGuards(deployment),
      tenantAllowCidrs: getTenantProbeAllowCidrs,
      sealer,
      region: "alpha",
      signal: abort.signal,
      log: pino({ level: "silent" }),
    }),
    { connection: createRedisConnection("worker", { name: "monitor-test-it-worker" }), prefix: redisPrefix() },
  );
  worker.on("error", () => {});
  await worker.waitUntilReady();
  await heartbeat("alpha");
  await heartbeat("beta");
});

afterAll(async () => {
  await worker?.close();
  await client?.close();
  redis?.disconnect();
  await new Promise((r) => server.close(r));
});

const input = (over: Record<string, unknown> = {}) => ({
  kind: "HTTP",
  config: { url: target },
  timeoutMs: 1000,
  region: "alpha",
  ...over,
});

describe("test now runs on a probe worker of the region, through the queue", () => {
  it("a worker of region alpha answers with the probe result", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const before = seen.length;
    const r = await testMonitorConfig(ctx, input(), deps());
    expect(r).toMatchObject({ ok: true, statusCode: 200, region: "alpha" });
    expect(r.startedAt).toBeInstanceOf(Date);
    expect(seen.length).toBe(before + 1);
  });

  it("the web-side verb has no probe path: a region whose worker is silent times out at the deadline, target untouched", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const before = seen.length;
    const t0 = Date.now();
    const err = await testMonitorConfig(ctx, input({ region: "beta" }), deps()).catch((e) => e);
    const waited = Date.now() - t0;
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe("No probe worker in region beta answered within 3 s");
    expect(waited).toBeGreaterThanOrEqual(2_500);
    expect(waited).toBeLessThan(5_000);
    expect(seen.length).toBe(before);
    // The abandoned request is gone from the queue: a worker that starts later does not run it.
    const q = new Queue(monitorTestQueueName("beta"), { connection: redis, prefix: redisPrefix() });
    expect(await q.getJobCounts("waiting", "active", "delayed")).toEqual({ waiting: 0, active: 0, delayed: 0 });
    // And the verb module itself never builds a guard or runs a probe.
    const source = readFileSync(
      new URL("../../../../packages/services/src/monitor/test-monitor-config.ts", import.meta.url),
      "utf8",
    );
    expect(source).not.toMatch(/createSsrfGuard|\.run\(/);
  });

  it("a region without any live worker fails at once", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const t0 = Date.now();
    await expect(testMonitorConfig(ctx, input({ region: "gamma" }), deps())).rejects.toThrow(
      /^No probe worker is running in region gamma$/,
    );
    expect(Date.now() - t0).toBeLessThan(1_000);
  });

  it("the worker builds the scheduled probes' guard: the platform's own Postgres and Redis are refused whatever the allowlist says", async () => {
    const ctx = await tenantContext(w.personas.providerAdmin.user, w.tenants.A.id);
    expect(await testMonitorConfig(ctx, input(), deps())).toMatchObject({ ok: true });
    const pg = await testMonitorConfig(
      ctx,
      input({
        kind: "POSTGRES",
        config: {
          host: "127.0.0.1",
          port: 5432,
          user: "postgres",
          database: "postgres",
          query: "select 1",
          expected: "x",
        },
      }),
      deps(),
    );
    expect(pg.ok).toBe(false);
    expect(pg.error).toMatch(/^blocked by SSRF policy: 127\.0\.0\.1 is not allowed \(platform service/);
    const redisProbe = await testMonitorConfig(
      ctx,
      input({ kind: "REDIS", config: { host: "localhost", port: 6379 } }),
      deps(),
    );
    expect(redisProbe.ok).toBe(false);
    expect(redisProbe.error).toMatch(/^blocked by SSRF policy: .*platform service/);
  });

  it("a secret typed into the config is sealed in the job: never in Redis in clear, yet sent to the target", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const config = { url: target, headers: { Authorization: `Bearer ${CANARY}` } };
    // Region beta: the job waits in Redis with nobody taking it, so its payload can be read there.
    const pending = testMonitorConfig(ctx, input({ region: "beta", config }), deps()).catch((e) => e);
    const q = new Queue(monitorTestQueueName("beta"), { connection: redis, prefix: redisPrefix() });
    await expect.poll(() => q.getJobCountByTypes("waiting"), { timeout: 2_000 }).toBe(1);
    const dump = await redisDump();
    expect(dump).toContain("sb1.");
    expect(dump).not.toContain(CANARY);
    expect(await pending).toBeInstanceOf(UnavailableError);

    const r = await testMonitorConfig(ctx, input({ config }), deps());
    expect(r.ok).toBe(true);
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${CANARY}`);
    expect(JSON.stringify(r)).not.toContain(CANARY);
    expect(await redisDump()).not.toContain(CANARY);
  });

  it("a sealed config opens only for its tenant and request: a forged job for another tenant is refused", async () => {
    const before = seen.length;
    const requestId = randomBytes(18).toString("base64url");
    const sealedForA = sealer.seal(JSON.stringify({ url: target }), {
      tenantId: w.tenants.A.id,
      owner: testConfigOwner(requestId),
    });
    const q = new Queue(monitorTestQueueName("alpha"), { connection: redis, prefix: redisPrefix() });
    const job = await enqueue(q, monitorTest, {
      requestId,
      tenantId: w.tenants.B.id,
      kind: "HTTP",
      sealedConfig: sealedForA,
      timeoutMs: 1000,
      deadline: Date.now() + 5_000,
    });
    await expect.poll(async () => (await job.getState()) === "failed", { timeout: 5_000 }).toBe(true);
    expect((await q.getJob(job.id ?? ""))?.failedReason).toBe("monitor.test config could not be opened");
    expect(seen.length).toBe(before);
  });

  it("a foreign tenant is NotFound, an invalid config a ValidationError, before anything is queued", async () => {
    await expect(tenantContext(w.personas.engineerA.user, w.tenants.B.id)).rejects.toBeInstanceOf(NotFoundError);
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(testMonitorConfig(ctx, input({ config: { url: "nope" } }), deps())).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it("limits: per user, then per tenant (RateLimited with retry-after)", async () => {
    const d = deps({ perUser: { points: 2, durationSeconds: 60 }, perTenant: { points: 3, durationSeconds: 60 } });
    const eng = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const admin = await tenantContext(w.personas.providerAdmin.user, w.tenants.A.id);
    expect((await testMonitorConfig(eng, input(), d)).ok).toBe(true);
    expect((await testMonitorConfig(eng, input(), d)).ok).toBe(true);
    const user = await testMonitorConfig(eng, input(), d).catch((e) => e);
    expect(user).toBeInstanceOf(RateLimitedError);
    expect(user.details).toMatchObject({ limit: "user", retryAfterSeconds: expect.any(Number) });
    expect(user.details.retryAfterSeconds).toBeGreaterThan(0);
    // Another user of the same tenant: one more run fits the tenant's 3, then the tenant is limited.
    expect((await testMonitorConfig(admin, input(), d)).ok).toBe(true);
    const tenant = await testMonitorConfig(admin, input(), d).catch((e) => e);
    expect(tenant).toBeInstanceOf(RateLimitedError);
    expect(tenant.details).toMatchObject({ limit: "tenant" });
  });
});
