import { type Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { MonitorTestReply, monitorTest } from "./definitions/monitor-test.ts";
import { enqueue } from "./queue.ts";
import { monitorTestQueueName } from "./queues.ts";
import { createRedisConnection, redisPrefix } from "./redis.ts";

/** What the API sends: ids, the kind, the sealed config, the probe's timeout and how long it waits. */
export interface MonitorTestRequest {
  region: string;
  requestId: string;
  tenantId: string;
  kind: string;
  sealedConfig: string;
  timeoutMs: number;
  /** How long to wait for the reply (the job's deadline is now + waitMs). */
  waitMs: number;
}

export type MonitorTestOutcome =
  | { kind: "reply"; reply: MonitorTestReply }
  /** Nobody answered in time; `picked`: a worker had taken the job (it was busy or died), else none did. */
  | { kind: "no-answer"; picked: boolean }
  /** The worker refused the job (bad payload, a sealed config it could not open): its reason is ours. */
  | { kind: "failed" };

export interface MonitorTestClient {
  request(req: MonitorTestRequest): Promise<MonitorTestOutcome>;
  close(): Promise<void>;
}

/** The event stream of a test queue: only its recent tail is ever read (one QueueEvents per web process). */
const EVENTS_MAX_LEN = 1000;
/** Regions held open at once (one Queue + one blocking QueueEvents connection each). */
const MAX_REGIONS = 32;

/**
 * Request/reply over BullMQ for "test now" (ADR 0012): the job goes to `monitor-tests-<region>`, the reply
 * comes back as the job's return value through QueueEvents (`job.waitUntilFinished`, which also checks
 * the job once after subscribing, so a fast reply is never missed), and the finished job is removed at
 * once. On the deadline the job is removed if it is still waiting (a worker that takes it later also
 * skips it: its payload carries the deadline).
 */
export function createMonitorTestClient(opts: { prefix?: string; url?: string } = {}): MonitorTestClient {
  const prefix = opts.prefix ?? redisPrefix();
  const url = opts.url;
  let producer: Redis | null = null;
  const regions = new Map<string, { queue: Queue; events: QueueEvents; eventsConn: Redis }>();

  const closeRegion = async (r: { queue: Queue; events: QueueEvents; eventsConn: Redis }) => {
    await r.events.close().catch(() => {});
    await r.queue.close().catch(() => {});
    r.eventsConn.disconnect();
  };

  function forRegion(region: string) {
    let r = regions.get(region);
    if (r) return r;
    const name = monitorTestQueueName(region);
    if (!producer) {
      producer = createRedisConnection("producer", { name: "steward-monitor-test", ...(url ? { url } : {}) });
      producer.on("error", () => {});
    }
    // QueueEvents blocks on XREAD: its own connection, BullMQ's worker settings.
    const eventsConn = createRedisConnection("worker", {
      name: `steward-monitor-test-events-${region}`,
      ...(url ? { url } : {}),
    });
    eventsConn.on("error", () => {});
    const queue = new Queue(name, { connection: producer, prefix, streams: { events: { maxLen: EVENTS_MAX_LEN } } });
    const events = new QueueEvents(name, { connection: eventsConn, prefix });
    queue.on("error", () => {});
    events.on("error", () => {});
    if (regions.size >= MAX_REGIONS) {
      const [oldest, old] = regions.entries().next().value as [string, typeof r & {}];
      regions.delete(oldest);
      void closeRegion(old);
    }
    r = { queue, events, eventsConn };
    regions.set(region, r);
    return r;
  }

  return {
    async request(req) {
      const { queue, events } = forRegion(req.region);
      await events.waitUntilReady();
      const job: Job = await enqueue(
        queue,
        monitorTest,
        {
          requestId: req.requestId,
          tenantId: req.tenantId,
          kind: req.kind,
          sealedConfig: req.sealedConfig,
          timeoutMs: req.timeoutMs,
          deadline: Date.now() + req.waitMs,
        },
        { jobId: req.requestId },
      );
      try {
        const raw = await job.waitUntilFinished(events, req.waitMs);
        return { kind: "reply", reply: MonitorTestReply.parse(raw) };
      } catch (err) {
        if (/timed out before finishing/.test((err as Error)?.message ?? "")) {
          const state = await job.getState().catch(() => "unknown");
          return { kind: "no-answer", picked: state === "active" };
        }
        return { kind: "failed" };
      } finally {
        // Waiting: gone before any worker sees it. Finished: its payload and reply leave Redis now. Active
        // (a late worker holds the lock): it cannot be removed; that worker finishes and the age option
        // removes it within a minute.
        await job.remove().catch(() => {});
      }
    },
    async close() {
      const all = [...regions.values()];
      regions.clear();
      await Promise.all(all.map(closeRegion));
      producer?.disconnect();
      producer = null;
    },
  };
}
