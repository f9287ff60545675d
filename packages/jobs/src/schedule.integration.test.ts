import { randomUUID } from "node:crypto";
import { type Job, Queue, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisConnection, redisPrefix } from "./redis.ts";
import { phaseOffsetMs, probeSchedulerId, reconcileProbeSchedulers, slotFromSchedulerJobId } from "./schedule.ts";

// Real Redis, this suite's own prefix (REDIS_PREFIX is set per test file by the harness).
const prefix = `${redisPrefix()}-sched-${process.pid}`;
const conn = createRedisConnection("worker");
const queue = new Queue("probes", { connection: conn, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  conn.disconnect();
});

async function until<T>(fn: () => T | Promise<T>, ms: number): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("probe schedulers on real Redis", () => {
  it("fire on each monitor's own phase, and reconcile is idempotent and removes the unwanted", async () => {
    const a = { id: randomUUID(), intervalSeconds: 1 };
    const b = { id: randomUUID(), intervalSeconds: 1 };
    expect(await reconcileProbeSchedulers(queue, [a, b])).toEqual({ upserted: 2, removed: 0, unchanged: 0 });
    const before = await queue.getJobScheduler(probeSchedulerId(a.id));
    expect(await reconcileProbeSchedulers(queue, [a, b])).toEqual({ upserted: 0, removed: 0, unchanged: 2 });
    expect((await queue.getJobScheduler(probeSchedulerId(a.id)))?.next).toBe(before?.next);

    const seen: { monitorId: string; slot: number | null; at: number }[] = [];
    const workerConn = createRedisConnection("worker");
    const worker = new Worker(
      "probes",
      async (job: Job) => {
        seen.push({ monitorId: job.data.monitorId, slot: slotFromSchedulerJobId(job.id), at: Date.now() });
      },
      { connection: workerConn, prefix, concurrency: 4 },
    );
    try {
      await until(() => seen.filter((s) => s.monitorId === a.id).length >= 2, 5_000);
    } finally {
      await worker.close();
      workerConn.disconnect();
    }
    for (const s of seen) {
      const off = phaseOffsetMs(s.monitorId, 1000);
      expect(s.slot).not.toBeNull();
      expect((s.slot! - off) % 1000).toBe(0);
      expect(s.at).toBeGreaterThanOrEqual(s.slot!);
    }
    const slotsA = seen.filter((s) => s.monitorId === a.id).map((s) => s.slot);
    expect(new Set(slotsA).size).toBe(slotsA.length);

    expect(await reconcileProbeSchedulers(queue, [a])).toEqual({ upserted: 0, removed: 1, unchanged: 1 });
    expect(await queue.getJobScheduler(probeSchedulerId(b.id))).toBeUndefined();
  });
});
