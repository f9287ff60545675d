import { cleanRedisPrefix } from "@steward/db/testing";
import { probeSchedulerId, ROLLUPS_SCHEDULER_ID, WATCHDOG_SCHEDULER_ID } from "@steward/jobs";
import { Redis } from "ioredis";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerApp, type WorkerApp } from "./app.ts";

// Redis lost (restarted empty) while a worker runs: its schedules come back from Postgres as soon as the
// connection does, not one reconcile period later. Real Redis (this file's prefix): every key of the prefix
// is deleted and the worker's queue connection is killed server-side (CLIENT KILL), as a restart would.

let admin: pg.Pool;
let redis: Redis;
let app: WorkerApp;
let monitorId: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379");
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Redis loss', 'redis-loss') RETURNING id`,
  );
  const m = await admin.query<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds)
     VALUES ($1, 'm', 'TCP', '{"host":"127.0.0.1","port":9}', 60) RETURNING id`,
    [rows[0]!.id],
  );
  monitorId = m.rows[0]!.id;
  app = createWorkerApp({
    log: pino({ level: "silent" }),
    concurrency: 5,
    flushMs: 50,
    flushRows: 100,
    reconcileMs: 600_000, // far beyond the test: only the reconnect can bring the schedules back
    allowCidrs: ["127.0.0.0/8"],
  });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await admin?.end();
  redis?.disconnect();
});

async function until(what: string, fn: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("Redis lost and back", () => {
  it("re-registers the cluster schedulers and every monitor's scheduler when the connection returns", async () => {
    const probeScheduler = () => app.queues.probes.getJobScheduler(probeSchedulerId(monitorId));
    const maintenance = (id: string) => app.queues.maintenance.getJobScheduler(id);
    expect(await probeScheduler()).toBeTruthy();
    expect(await maintenance(WATCHDOG_SCHEDULER_ID)).toBeTruthy();

    // "Restart" Redis: every key of this prefix gone, the worker's queue connection dropped.
    await cleanRedisPrefix(process.env.REDIS_PREFIX!);
    expect(await probeScheduler()).toBeFalsy();
    const clients = String(await redis.call("CLIENT", "LIST"))
      .split("\n")
      .filter((l) => l.includes("name=steward-worker-queues"));
    expect(clients.length).toBeGreaterThan(0);
    for (const line of clients) await redis.call("CLIENT", "KILL", "ID", /\bid=(\d+)/.exec(line)![1]!);

    const t0 = Date.now();
    await until("probe scheduler back", async () => Boolean(await probeScheduler()));
    await until("maintenance schedulers back", async () =>
      Boolean((await maintenance(WATCHDOG_SCHEDULER_ID)) && (await maintenance(ROLLUPS_SCHEDULER_ID))),
    );
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
