import { RETENTION_SCHEDULER_ID, ROLLUPS_SCHEDULER_ID, rollupRetention, rollupsRoll } from "@steward/jobs";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerApp, type WorkerApp } from "../app.ts";

// The rollup and retention jobs through the real worker: BullMQ on Redis (this file's prefix), the
// maintenance processor, Postgres (this file's database).
let admin: pg.Pool;
let app: WorkerApp;
const H = 3_600_000;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Rollup Co', 'rollup-co') RETURNING id`,
  );
  const tenantId = rows[0]!.id;
  const { rows: m } = await admin.query<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, paused)
     VALUES ($1, 'm', 'HTTP', '{"url":"http://127.0.0.1:1/"}', 60, true) RETURNING id`,
    [tenantId],
  );
  // Three hours of history: UP, then DOWN for 30 minutes in the middle of the previous-but-one hour.
  const hour = Math.floor(Date.now() / H) * H;
  await admin.query(
    `INSERT INTO state_intervals (tenant_id, monitor_id, state, started_at, ended_at) VALUES
       ($1, $2, 'UP', $3, $4), ($1, $2, 'DOWN', $4, $5), ($1, $2, 'UP', $5, NULL)`,
    [
      tenantId,
      m[0]!.id,
      new Date(hour - 3 * H),
      new Date(hour - 2 * H + 15 * 60_000),
      new Date(hour - 2 * H + 45 * 60_000),
    ],
  );
  app = createWorkerApp({
    log: pino({ level: "silent" }),
    concurrency: 1,
    flushMs: 50,
    flushRows: 10,
    reconcileMs: 60_000,
    allowCidrs: [],
    schedule: false,
  });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await admin?.end();
});

describe("rollup jobs in the worker", () => {
  it("registers both schedulers; rollups.roll rolls and covers the past hours; retention.apply runs", async () => {
    expect(await app.queues.maintenance.getJobScheduler(ROLLUPS_SCHEDULER_ID)).toMatchObject({ every: 60_000 });
    expect(await app.queues.maintenance.getJobScheduler(RETENTION_SCHEDULER_ID)).toBeDefined();

    const job = await app.queues.maintenance.add(rollupsRoll.name, {}, rollupsRoll.options);
    await until("rollup job done", async () => (await job.isCompleted()) || ((await job.isFailed()) && "failed"));
    expect(await job.isFailed()).toBe(false);
    const { rows } = await admin.query<{ down_ms: number; up_ms: number }>(
      `SELECT sum(down_ms)::int AS down_ms, sum(up_ms)::int AS up_ms FROM monitor_rollups_hourly`,
    );
    expect(rows[0]!.down_ms).toBe(30 * 60_000);
    const { rows: marks } = await admin.query<{ name: string }>(`SELECT name FROM rollup_watermarks`);
    expect(marks.map((r) => r.name)).toContain("hourly");

    const ret = await app.queues.maintenance.add(rollupRetention.name, { retentionDays: 30 }, rollupRetention.options);
    await until("retention job done", async () => (await ret.isCompleted()) || ((await ret.isFailed()) && "failed"));
    expect(await ret.isFailed()).toBe(false);
  });
});
