import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { probeRun } from "./definitions/probe-run.ts";
import { probeQueueName } from "./queues.ts";
import { redisPrefix } from "./redis.ts";

/**
 * Probe scheduling: one BullMQ job scheduler per monitor (`every` = its interval), each with its own
 * phase offset derived from the monitor id so monitors with the same interval do not all fire on the
 * same millisecond (architecture.md). BullMQ 6 aligns `every` schedulers to
 * `floor(now / every) * every + offset` and names each run `repeat:<schedulerId>:<slotMillis>`.
 */

const SCHEDULER_PREFIX = "probe-";

/**
 * BullMQ appends every job state change (added, delayed, active, completed, …) to the queue's event
 * stream, capped at 10,000 entries by default: ≈ 2.4 MB of Redis for a probe queue, re-written many times
 * a second. Nothing consumes a probe queue's events (no QueueEvents listener), so keep only a short tail.
 */
export const PROBE_EVENTS_MAX_LEN = 100;

/** A region's probe queue (`probes-<region>`), with the short event stream above. */
export function createProbeQueue(region: string, opts: { connection: Redis; prefix?: string }): Queue {
  return new Queue(probeQueueName(region), {
    connection: opts.connection,
    prefix: opts.prefix ?? redisPrefix(),
    streams: { events: { maxLen: PROBE_EVENTS_MAX_LEN } },
  });
}

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

/** What reconcile needs to know of an existing scheduler. */
interface SchedulerState {
  every?: number | undefined;
  offset?: number | undefined;
  next?: number | undefined;
  /** The job template's options as stored (JSON), when read. */
  opts?: string | null | undefined;
}

export interface ReconcileOptions {
  now?: number;
  /**
   * The queue's Redis connection: schedulers are then read with one ZRANGE and pipelined HMGETs of the
   * three fields reconcile compares (≈ 10× less memory and CPU than BullMQ's getJobSchedulers, which
   * builds a full object per scheduler — 10k of them every reconcile), and a scheduler whose job template
   * options differ from probeRun.options (an older release's retention settings) is re-upserted.
   */
  redis?: Redis;
}

const READ_CHUNK = 1_000;
const WRITE_CHUNK = 500;

async function readSchedulers(queue: Queue, redis: Redis | undefined): Promise<Map<string, SchedulerState>> {
  const existing = new Map<string, SchedulerState>();
  if (!redis) {
    for (const s of await queue.getJobSchedulers(0, -1)) {
      existing.set(s.key, { every: s.every, offset: s.offset, next: s.next });
    }
    return existing;
  }
  const repeatKey = queue.keys.repeat ?? queue.toKey("repeat");
  // RESP2 answers [member, score, member, score, …]; RESP3 answers [[member, score], …].
  const reply = (await redis.zrange(repeatKey, 0, "-1", "WITHSCORES")) as unknown as (string | [string, string])[];
  const flat = reply.flatMap((e) => (Array.isArray(e) ? e.map(String) : [String(e)]));
  for (let i = 0; i < flat.length; i += 2 * READ_CHUNK) {
    const page = flat.slice(i, i + 2 * READ_CHUNK);
    const pipe = redis.pipeline();
    for (let j = 0; j < page.length; j += 2) pipe.hmget(`${repeatKey}:${page[j]}`, "every", "offset", "opts");
    const replies = (await pipe.exec()) ?? [];
    for (let j = 0; j < page.length; j += 2) {
      const [err, fields] = replies[j / 2] ?? [null, null];
      if (err) throw err;
      const [every, offset, opts] = (fields as (string | null)[] | null) ?? [];
      existing.set(page[j]!, {
        every: every == null ? undefined : Number(every),
        offset: offset == null ? undefined : Number(offset),
        next: Number(page[j + 1]),
        opts: opts ?? null,
      });
    }
  }
  return existing;
}

/** Runs `tasks` at most `n` at a time (10k schedulers at boot are not 10k concurrent scripts). */
async function inChunks(tasks: (() => Promise<unknown>)[], n: number): Promise<void> {
  for (let i = 0; i < tasks.length; i += n) await Promise.all(tasks.slice(i, i + n).map((t) => t()));
}

/**
 * Make Redis match Postgres: every wanted monitor has a scheduler with its interval and offset; probe
 * schedulers of monitors no longer wanted (deleted, paused) are removed. Schedulers that already match
 * are left alone so their slots do not move; one whose next run is long overdue (lost delayed job) is
 * re-upserted. (Re-upserting an existing scheduler keeps its next slot: BullMQ replaces the pending job
 * with one for the same millisecond.)
 */
export async function reconcileProbeSchedulers(
  queue: Queue,
  wanted: readonly ScheduledMonitor[],
  opts: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const now = opts.now ?? Date.now();
  const existing = await readSchedulers(queue, opts.redis);
  const result: ReconcileResult = { upserted: 0, removed: 0, unchanged: 0 };
  const wantedIds = new Set<string>();
  const writes: (() => Promise<unknown>)[] = [];
  for (const m of wanted) {
    const id = probeSchedulerId(m.id);
    wantedIds.add(id);
    if (schedulerMatches(existing.get(id), m, now)) {
      result.unchanged++;
      continue;
    }
    result.upserted++;
    writes.push(() => upsertProbeScheduler(queue, m));
  }
  for (const id of existing.keys()) {
    if (monitorIdFromSchedulerId(id) !== null && !wantedIds.has(id)) {
      result.removed++;
      writes.push(() => queue.removeJobScheduler(id));
    }
  }
  await inChunks(writes, WRITE_CHUNK);
  return result;
}

/** Canonical JSON (sorted keys): Redis' cjson does not keep the key order of what was stored. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

const TEMPLATE_OPTS = canonical(probeRun.options);

function templateCurrent(stored: string | null | undefined): boolean {
  if (stored === undefined) return true; // not read (getJobSchedulers path)
  try {
    return stored !== null && canonical(JSON.parse(stored)) === TEMPLATE_OPTS;
  } catch {
    return false;
  }
}

/**
 * The scheduler exists with the monitor's interval and offset and the current job template options, and
 * its next run is not long overdue.
 */
function schedulerMatches(cur: SchedulerState | undefined, m: ScheduledMonitor, now: number): boolean {
  const every = m.intervalSeconds * 1000;
  const stale = cur?.next != null && cur.next < now - 2 * every;
  return (
    !!cur && cur.every === every && cur.offset === phaseOffsetMs(m.id, every) && !stale && templateCurrent(cur.opts)
  );
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
