import type { Queue } from "bullmq";
import { probeRun } from "./definitions/probe-run.ts";

/**
 * Probe scheduling: one BullMQ job scheduler per monitor (`every` = its interval), each with its own
 * phase offset derived from the monitor id so monitors with the same interval do not all fire on the
 * same millisecond (architecture.md). BullMQ 6 aligns `every` schedulers to
 * `floor(now / every) * every + offset` and names each run `repeat:<schedulerId>:<slotMillis>`.
 */

const SCHEDULER_PREFIX = "probe-";

/** Scheduler id for a monitor (no ':' — BullMQ builds keys and job ids from it). */
export function probeSchedulerId(monitorId: string): string {
  return `${SCHEDULER_PREFIX}${monitorId}`;
}

export function monitorIdFromSchedulerId(schedulerId: string): string | null {
  return schedulerId.startsWith(SCHEDULER_PREFIX) ? schedulerId.slice(SCHEDULER_PREFIX.length) : null;
}

/** FNV-1a 32-bit: stable, fast, well spread for uuids. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Phase offset in [1, intervalMs - 1] (BullMQ treats an offset of 0 as "start now"). */
export function phaseOffsetMs(monitorId: string, intervalMs: number): number {
  if (intervalMs <= 1) return 0;
  return 1 + (fnv1a(monitorId) % (intervalMs - 1));
}

/** The slot (epoch ms on the monitor's grid) a timestamp belongs to: floor to interval + offset. */
export function slotFor(timestampMs: number, intervalMs: number, offsetMs: number): number {
  return Math.floor((timestampMs - offsetMs) / intervalMs) * intervalMs + offsetMs;
}

/** The slot millis encoded in a scheduler-made job id (`repeat:<schedulerId>:<millis>`), if any. */
export function slotFromSchedulerJobId(jobId: string | undefined): number | null {
  if (!jobId?.startsWith("repeat:")) return null;
  const n = Number(jobId.slice(jobId.lastIndexOf(":") + 1));
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export interface ScheduledMonitor {
  id: string;
  intervalSeconds: number;
}

export async function upsertProbeScheduler(queue: Queue, monitor: ScheduledMonitor) {
  const every = monitor.intervalSeconds * 1000;
  return queue.upsertJobScheduler(
    probeSchedulerId(monitor.id),
    { every, offset: phaseOffsetMs(monitor.id, every) },
    { name: probeRun.name, data: probeRun.payload.parse({ monitorId: monitor.id }), opts: probeRun.options },
  );
}

export async function removeProbeScheduler(queue: Queue, monitorId: string): Promise<boolean> {
  return queue.removeJobScheduler(probeSchedulerId(monitorId));
}

export interface ReconcileResult {
  upserted: number;
  removed: number;
  unchanged: number;
}

/**
 * Make Redis match Postgres: every wanted monitor has a scheduler with its interval and offset; probe
 * schedulers of monitors no longer wanted (deleted, paused) are removed. Schedulers that already match
 * are left alone so their slots do not move; one whose next run is long overdue (lost delayed job) is
 * re-upserted.
 */
export async function reconcileProbeSchedulers(
  queue: Queue,
  wanted: readonly ScheduledMonitor[],
  now = Date.now(),
): Promise<ReconcileResult> {
  const existing = new Map<string, { every?: number; offset?: number; next?: number }>();
  for (const s of await queue.getJobSchedulers(0, -1)) {
    existing.set(s.key, { every: s.every, offset: s.offset, next: s.next });
  }
  const result: ReconcileResult = { upserted: 0, removed: 0, unchanged: 0 };
  const wantedIds = new Set<string>();
  const upserts: Promise<unknown>[] = [];
  for (const m of wanted) {
    const id = probeSchedulerId(m.id);
    wantedIds.add(id);
    if (schedulerMatches(existing.get(id), m, now)) {
      result.unchanged++;
      continue;
    }
    result.upserted++;
    upserts.push(upsertProbeScheduler(queue, m));
  }
  for (const id of existing.keys()) {
    if (monitorIdFromSchedulerId(id) !== null && !wantedIds.has(id)) {
      result.removed++;
      upserts.push(queue.removeJobScheduler(id));
    }
  }
  await Promise.all(upserts);
  return result;
}

/** The scheduler exists with the monitor's interval and offset, and its next run is not long overdue. */
function schedulerMatches(
  cur: { every?: number | undefined; offset?: number | undefined; next?: number | undefined } | undefined,
  m: ScheduledMonitor,
  now: number,
): boolean {
  const every = m.intervalSeconds * 1000;
  const stale = cur?.next != null && cur.next < now - 2 * every;
  return !!cur && cur.every === every && cur.offset === phaseOffsetMs(m.id, every) && !stale;
}

/**
 * Targeted reconcile after change notifications: for each of `monitorIds`, make its scheduler match
 * `wanted` (the subset of them that should run here): upsert when missing or different, remove when the
 * monitor is no longer wanted (deleted, paused, moved to other regions). Reads only these schedulers.
 */
export async function reconcileProbeSchedulersFor(
  queue: Queue,
  monitorIds: readonly string[],
  wanted: readonly ScheduledMonitor[],
  now = Date.now(),
): Promise<ReconcileResult> {
  const byId = new Map(wanted.map((m) => [m.id, m]));
  const result: ReconcileResult = { upserted: 0, removed: 0, unchanged: 0 };
  await Promise.all(
    [...new Set(monitorIds)].map(async (id) => {
      const cur = await queue.getJobScheduler(probeSchedulerId(id));
      const m = byId.get(id);
      if (!m) {
        if (cur) {
          result.removed++;
          await queue.removeJobScheduler(probeSchedulerId(id));
        }
        return;
      }
      if (schedulerMatches(cur ?? undefined, m, now)) {
        result.unchanged++;
        return;
      }
      result.upserted++;
      await upsertProbeScheduler(queue, m);
    }),
  );
  return result;
}
