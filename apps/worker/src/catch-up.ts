import { getSystemPool } from "@steward/db";
import { probeRun, probeSchedulerId } from "@steward/jobs";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Catch-up of slots a dead worker made its monitor skip.
 *
 * BullMQ creates the next job of a job scheduler only after it has moved the current one to active, in a
 * second Redis call from the worker process. A worker killed between the two (kill -9, OOM) leaves the
 * monitor without a pending job: its current job S is re-run by a live worker once its lock expires
 * (lockDuration + stalledInterval ≈ 15 s), and that re-run creates the next job — on the first slot after
 * *now*, so the slots between S and now are never run. With several probes activated at once (a flush
 * completes many jobs, each completion fetches the next) one kill can cost many monitors a few slots
 * each. The chaos test (chaos.integration.test.ts) catches it.
 *
 * So when a scheduler job starts for the second time (it stalled on a dead worker), the slots after it that
 * are due by now and have neither a job in Redis (pending, running, failed) nor a stored result are run now
 * as ad-hoc jobs for those slots. Checking Redis before Postgres leaves no gap: a job leaves Redis only
 * after its result is committed (the batcher acknowledges after the commit) — or stays as failed.
 */

/** Slots at most this old are caught up (a stalled job is normally re-run within ≈ 15 s). */
export const CATCH_UP_WINDOW_MS = 120_000;
const MAX_SLOTS = 120;

/** The slots after `slot` (on its grid) that are due by `now`, newest `max` within the window. */
export function slotsDueAfter(slot: number, intervalMs: number, now: number, windowMs = CATCH_UP_WINDOW_MS): number[] {
  const out: number[] = [];
  const from = Math.max(slot + intervalMs, slot + Math.ceil((now - windowMs - slot) / intervalMs) * intervalMs);
  for (let s = from; s <= now && out.length < MAX_SLOTS; s += intervalMs) out.push(s);
  return out;
}

export const catchUpJobId = (monitorId: string, slot: number) => `catchup-${monitorId}-${slot}`;

export interface CatchUpDeps {
  queue: Queue;
  /** The queue's connection (job existence checks, pipelined). */
  redis: Redis;
  /** The slots among `slots` that already have a stored result for this monitor and region. */
  storedSlots: (monitorId: string, region: string, slots: readonly number[]) => Promise<Set<number>>;
  region: string;
}

/** Enqueues an ad-hoc probe run for each of `slots` that has no job and no result; returns those slots. */
export async function catchUpSlots(deps: CatchUpDeps, monitorId: string, slots: readonly number[]): Promise<number[]> {
  if (slots.length === 0) return [];
  const schedulerId = probeSchedulerId(monitorId);
  const pipe = deps.redis.pipeline();
  for (const s of slots) {
    pipe.exists(deps.queue.toKey(`repeat:${schedulerId}:${s}`));
    pipe.exists(deps.queue.toKey(catchUpJobId(monitorId, s)));
  }
  const replies = (await pipe.exec()) ?? [];
  const withoutJob = slots.filter((_, i) => {
    const [e1, scheduled] = replies[2 * i] ?? [null, 0];
    const [e2, adhoc] = replies[2 * i + 1] ?? [null, 0];
    if (e1 || e2) throw e1 ?? e2;
    return Number(scheduled) === 0 && Number(adhoc) === 0;
  });
  if (withoutJob.length === 0) return [];
  const stored = await deps.storedSlots(monitorId, deps.region, withoutJob);
  const missing = withoutJob.filter((s) => !stored.has(s));
  await Promise.all(
    missing.map((s) =>
      deps.queue.add(probeRun.name, probeRun.payload.parse({ monitorId, scheduledAt: s }), {
        ...probeRun.options,
        jobId: catchUpJobId(monitorId, s),
      }),
    ),
  );
  return missing;
}

/** The slots among `slots` with a stored result of this monitor and region (one primary-key lookup). */
export async function storedProbeSlots(
  monitorId: string,
  region: string,
  slots: readonly number[],
): Promise<Set<number>> {
  const { rows } = await getSystemPool().query<{ t: string }>(
    `SELECT (extract(epoch FROM scheduled_at) * 1000)::bigint::text AS t FROM probe_results
      WHERE monitor_id = $1 AND region = $2 AND scheduled_at = ANY($3::timestamptz[])`,
    [monitorId, region, slots.map((s) => new Date(s))],
  );
  return new Set(rows.map((r) => Number(r.t)));
}
