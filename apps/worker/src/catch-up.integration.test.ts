import { randomUUID } from "node:crypto";
import { createProbeQueue, createRedisConnection, probeSchedulerId, upsertProbeScheduler } from "@steward/jobs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catchUpJobId, catchUpSlots, storedProbeSlots } from "./catch-up.ts";

// Real Postgres (this file's database) and Redis (this file's prefix).

const redis = createRedisConnection("worker");
const queue = createProbeQueue("eu", { connection: redis, prefix: `${process.env.REDIS_PREFIX}-catchup` });
let admin: pg.Pool;
let monitorId: string;
let tenantId: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  tenantId = (
    await admin.query<{ id: string }>(
      `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Catch-up', 'catch-up') RETURNING id`,
    )
  ).rows[0]!.id;
  monitorId = (
    await admin.query<{ id: string }>(
      `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, regions)
       VALUES ($1, 'catch-up', 'HTTP', '{"url":"http://127.0.0.1:9/"}', 10, '{eu}') RETURNING id`,
      [tenantId],
    )
  ).rows[0]!.id;
});

afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  redis.disconnect();
  await admin.end();
});

describe("catchUpSlots", () => {
  it("enqueues only the slots with neither a job in Redis nor a stored result", async () => {
    // A pending scheduler job (slot `next`), a stored result (slot `stored`), a slot with neither.
    await upsertProbeScheduler(queue, { id: monitorId, intervalSeconds: 10 });
    const next = (await queue.getJobScheduler(probeSchedulerId(monitorId)))!.next!;
    const stored = next - 10_000;
    const lost = next - 20_000;
    // Stored in eu for `stored`; `lost` is stored only in another region.
    await admin.query(
      `INSERT INTO probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state, region)
       VALUES ($1, $2, $3, $2, 'UP', 'eu'), ($1, $4, $3, $4, 'UP', 'us')`,
      [monitorId, new Date(stored), tenantId, new Date(lost)],
    );
    expect([...(await storedProbeSlots(monitorId, "eu", [lost, stored, next]))]).toEqual([stored]);

    const deps = { queue, redis, region: "eu", storedSlots: storedProbeSlots };
    expect(await catchUpSlots(deps, monitorId, [lost, stored, next])).toEqual([lost]);
    const job = await queue.getJob(catchUpJobId(monitorId, lost));
    expect(job?.data).toEqual({ monitorId, scheduledAt: lost });
    // Idempotent: the catch-up job now exists, so a second stalled re-run adds nothing.
    expect(await catchUpSlots(deps, monitorId, [lost, stored, next])).toEqual([]);
    expect(await catchUpSlots(deps, randomUUID(), [])).toEqual([]);
  });
});
