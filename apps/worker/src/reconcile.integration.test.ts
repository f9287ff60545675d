import { randomUUID } from "node:crypto";
import {
  createProbeQueue,
  createRedisConnection,
  PROBE_EVENTS_MAX_LEN,
  phaseOffsetMs,
  probeRun,
  probeSchedulerId,
  reconcileProbeSchedulers,
} from "@steward/jobs";
import { afterAll, describe, expect, it } from "vitest";

// The worker's full reconcile (packages/jobs schedule.ts, the path app.ts takes: schedulers read with
// ZRANGE + pipelined HMGET on the queue's own connection) on real Redis, this file's prefix.

const redis = createRedisConnection("worker");
const queue = createProbeQueue("local", { connection: redis, prefix: `${process.env.REDIS_PREFIX}-reconcile` });

afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  redis.disconnect();
});

const schedulerHash = (monitorId: string) => `${queue.keys.repeat}:${probeSchedulerId(monitorId)}`;

describe("reconcileProbeSchedulers with the queue's connection", () => {
  it("creates, leaves matching ones alone, re-upserts changed interval or template, removes unwanted", async () => {
    const a = { id: randomUUID(), intervalSeconds: 60 };
    const b = { id: randomUUID(), intervalSeconds: 60 };
    const c = { id: randomUUID(), intervalSeconds: 60 };
    const opts = { redis };

    expect(await reconcileProbeSchedulers(queue, [a, b], opts)).toEqual({ upserted: 2, removed: 0, unchanged: 0 });
    const nextA = await queue.getJobScheduler(probeSchedulerId(a.id));
    expect(nextA?.offset).toBe(phaseOffsetMs(a.id, 60_000));
    expect(await reconcileProbeSchedulers(queue, [a, b], opts)).toEqual({ upserted: 0, removed: 0, unchanged: 2 });
    expect((await queue.getJobScheduler(probeSchedulerId(a.id)))?.next).toBe(nextA?.next);

    // A scheduler written by an older release (longer retention in its job template) is re-upserted once,
    // on the same slot.
    const every = c.intervalSeconds * 1000;
    await queue.upsertJobScheduler(
      probeSchedulerId(c.id),
      { every, offset: phaseOffsetMs(c.id, every) },
      {
        name: probeRun.name,
        data: { monitorId: c.id },
        opts: { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
      },
    );
    const nextC = (await queue.getJobScheduler(probeSchedulerId(c.id)))?.next;
    expect(await reconcileProbeSchedulers(queue, [a, b, c], opts)).toEqual({ upserted: 1, removed: 0, unchanged: 2 });
    expect(JSON.parse((await redis.hget(schedulerHash(c.id), "opts")) ?? "null")).toEqual(probeRun.options);
    const migrated = await queue.getJobScheduler(probeSchedulerId(c.id));
    expect(migrated?.next).toBe(nextC);
    const pending = await queue.getJob(`repeat:${probeSchedulerId(c.id)}:${nextC}`);
    expect(pending?.opts.removeOnComplete).toBe(true);
    expect(await reconcileProbeSchedulers(queue, [a, b, c], opts)).toEqual({ upserted: 0, removed: 0, unchanged: 3 });

    // Interval changed → re-upserted on the new grid; b no longer wanted → removed.
    const a2 = { ...a, intervalSeconds: 30 };
    expect(await reconcileProbeSchedulers(queue, [a2, c], opts)).toEqual({ upserted: 1, removed: 1, unchanged: 1 });
    const movedA = await queue.getJobScheduler(probeSchedulerId(a.id));
    expect(movedA?.every).toBe(30_000);
    expect(movedA?.offset).toBe(phaseOffsetMs(a.id, 30_000));
    expect(await queue.getJobScheduler(probeSchedulerId(b.id))).toBeUndefined();
  });

  it("keeps the probe queue's event stream short", async () => {
    const m = { id: randomUUID(), intervalSeconds: 60 };
    await reconcileProbeSchedulers(queue, [m], { redis });
    expect(await redis.hget(queue.keys.meta!, "opts.maxLenEvents")).toBe(String(PROBE_EVENTS_MAX_LEN));
  });
});
