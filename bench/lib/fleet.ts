// A fleet of monitors probed through the product's scheduling and worker code path, instrumented:
// BullMQ job schedulers made by the product's reconcileProbeSchedulers (its phase offsets), or aligned
// ones (every monitor on the same millisecond) for the ceiling; a BullMQ Worker running the product's
// probe processor (MonitorCache → HTTP probe → ResultBatcher → ingestProbeResults), with a thin wrapper
// that records when each scheduled run starts. Import only after setupDatabase() (env is read at import).
import { setMaxListeners } from "node:events";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type pg from "pg";
import { ResultBatcher } from "../../apps/worker/src/batcher.ts";
import { createLogger } from "../../apps/worker/src/logger.ts";
import { MonitorCache } from "../../apps/worker/src/monitor-cache.ts";
import { createProbeRunProcessor } from "../../apps/worker/src/processors/probe-run.ts";
import {
  createQueue,
  createRedisConnection,
  phaseOffsetMs,
  probeRun,
  probeSchedulerId,
  QUEUES,
  reconcileProbeSchedulers,
  slotFromSchedulerJobId,
} from "../../packages/jobs/src/index.ts";
import { createSsrfGuard } from "../../packages/probes/src/index.ts";
import { ingestProbeResults } from "../../packages/services/src/index.ts";
import { log, sleep, summarize } from "./harness.ts";

export interface FleetMonitor {
  id: string;
  intervalSeconds: number;
}

/** Inserts `n` HTTP monitors (10 tenants) probing `url` every `intervalSeconds`. */
export async function insertMonitors(
  admin: pg.Client,
  n: number,
  url: string,
  intervalSeconds: number,
): Promise<FleetMonitor[]> {
  await admin.query(
    `insert into organizations (kind, name, slug)
     select 'CLIENT', 'Fleet ' || g, 'fleet-' || g from generate_series(1, 10) g`,
  );
  const { rows } = await admin.query<{ id: string }>(
    `insert into monitors (tenant_id, name, kind, config, interval_seconds, timeout_ms, state)
     select (select id from organizations where slug = 'fleet-' || (1 + g % 10)), 'fleet ' || g, 'HTTP',
            jsonb_build_object('url', $1::text), $2, 5000, 'UP'
       from generate_series(1, $3) g
     returning id::text`,
    [url, intervalSeconds, n],
  );
  return rows.map((r) => ({ id: r.id, intervalSeconds }));
}

export interface PhaseOptions {
  prefix: string;
  monitors: readonly FleetMonitor[];
  aligned: boolean;
  /** Measured seconds (after a warm-up of 1.5 intervals). */
  seconds: number;
  concurrency: number;
  /** Graceful worker restarts (close + new Worker) spread over the measured window. */
  restarts?: number;
  onSample?: (s: { t: number; rss: number; heapUsed: number; redisBytes: number }) => void;
}

export interface PhaseResult {
  lateness: ReturnType<typeof summarize>;
  expected: number;
  ran: number;
  missing: number;
  duplicates: number;
  offGrid: number;
  schedulerSetupMs: number;
  restarts: number;
}

export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const intervalMs = Math.max(...opts.monitors.map((m) => m.intervalSeconds)) * 1000;
  const offsetOf = (id: string, every: number) => (opts.aligned ? 1 : phaseOffsetMs(id, every));
  const queueConn = createRedisConnection("worker", { name: "bench-queue" });
  const queue = createQueue(QUEUES.probes, { connection: queueConn, prefix: opts.prefix });

  // Schedulers.
  const t0 = performance.now();
  if (opts.aligned) {
    for (let i = 0; i < opts.monitors.length; i += 500) {
      await Promise.all(
        opts.monitors
          .slice(i, i + 500)
          .map((m) =>
            queue.upsertJobScheduler(
              probeSchedulerId(m.id),
              { every: m.intervalSeconds * 1000, offset: 1 },
              { name: probeRun.name, data: { monitorId: m.id }, opts: probeRun.options },
            ),
          ),
      );
    }
  } else {
    await reconcileProbeSchedulers(queue, opts.monitors);
  }
  const schedulerSetupMs = performance.now() - t0;

  // Worker: the product's processor and batcher, wrapped to record each run's start.
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const batcher = new ResultBatcher({
    flushMs: 250,
    maxRows: Math.min(500, opts.concurrency),
    ingest: (rows) => ingestProbeResults(rows),
    onError: (err) => console.warn(`flush failed: ${err}`),
  });
  const processor = createProbeRunProcessor({
    monitors: new MonitorCache(5_000),
    batcher,
    ssrf: createSsrfGuard({ allowCidrs: ["127.0.0.0/8"] }),
    signal: abort.signal,
    log: createLogger("warn"),
  });
  const runs: { monitorId: string; due: number; start: number }[] = [];
  // BullMQ as the worker app resolves it (bench/ is not a workspace package).
  const bullmqPath = createRequire(new URL("../../apps/worker/package.json", import.meta.url)).resolve("bullmq");
  const { Worker } = (await import(
    pathToFileURL(bullmqPath).href
  )) as typeof import("../../apps/worker/node_modules/bullmq");
  const workerConns: ReturnType<typeof createRedisConnection>[] = [];
  const newWorker = () => {
    const c = createRedisConnection("worker", { name: "bench-worker" });
    workerConns.push(c);
    const w = new Worker(
      QUEUES.probes,
      async (job) => {
        const start = Date.now();
        const due = slotFromSchedulerJobId(job.id);
        if (due !== null) runs.push({ monitorId: (job.data as { monitorId: string }).monitorId, due, start });
        return processor(job);
      },
      { connection: c, prefix: opts.prefix, concurrency: opts.concurrency },
    );
    w.on("failed", (_job, err) => console.warn(`job failed: ${err.message}`));
    w.on("error", (err) => console.warn(`worker error: ${err.message}`));
    return w;
  };
  let worker = newWorker();

  // Sampling memory (this process and Redis) every 5 s.
  const redisInfo = createRedisConnection("worker", { name: "bench-info" });
  const started = Date.now();
  const sampler = setInterval(async () => {
    const info = await redisInfo.info("memory");
    const m = process.memoryUsage();
    opts.onSample?.({
      t: Math.round((Date.now() - started) / 1000),
      rss: m.rss,
      heapUsed: m.heapUsed,
      redisBytes: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0),
    });
  }, 5_000);

  const wStart = Date.now() + 1.5 * intervalMs;
  const wEnd = wStart + opts.seconds * 1000;
  const restarts = opts.restarts ?? 0;
  for (let k = 1; k <= restarts; k++) {
    await sleep(Math.max(0, wStart + (k * (wEnd - wStart)) / (restarts + 1) - Date.now()));
    log(`restarting the worker (${k}/${restarts})`);
    await worker.close();
    worker = newWorker();
  }
  await sleep(Math.max(0, wEnd - Date.now()) + 3_000); // let the last slots run
  clearInterval(sampler);
  await worker.close();
  await batcher.close();
  await queue.close();
  for (const c of [...workerConns, queueConn, redisInfo]) c.disconnect();

  // Exactness: every monitor's grid slot in [wStart, wEnd) ran exactly once; lateness of those runs.
  const seen = new Map<string, number>();
  const lateness: number[] = [];
  let offGrid = 0;
  for (const r of runs) {
    if (r.due < wStart || r.due >= wEnd) continue;
    const key = `${r.monitorId}|${r.due}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    lateness.push(r.start - r.due);
  }
  let expected = 0;
  let missing = 0;
  for (const m of opts.monitors) {
    const every = m.intervalSeconds * 1000;
    const off = offsetOf(m.id, every);
    for (let s = Math.ceil((wStart - off) / every) * every + off; s < wEnd; s += every) {
      expected++;
      if (!seen.has(`${m.id}|${s}`)) missing++;
    }
  }
  const byId = new Map(opts.monitors.map((m) => [m.id, m]));
  for (const key of seen.keys()) {
    const [id, due] = key.split("|") as [string, string];
    const m = byId.get(id);
    if (!m || (Number(due) - offsetOf(id, m.intervalSeconds * 1000)) % (m.intervalSeconds * 1000) !== 0) offGrid++;
  }
  const duplicates = [...seen.values()].reduce((a, n) => a + (n - 1), 0);
  return {
    lateness: summarize(lateness),
    expected,
    ran: lateness.length,
    missing,
    duplicates,
    offGrid,
    schedulerSetupMs: Math.round(schedulerSetupMs),
    restarts,
  };
}
