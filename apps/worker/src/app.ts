import { setMaxListeners } from "node:events";
import {
  createProbeQueue,
  createQueue,
  createRedisConnection,
  monitorTestQueueName,
  PARTITIONS_EVERY_MS,
  PARTITIONS_SCHEDULER_ID,
  partitionsEnsure,
  probeQueueName,
  QUEUES,
  reconcileProbeSchedulers,
  reconcileProbeSchedulersFor,
  redisPrefix,
} from "@steward/jobs";
import { buildPlatformDenyList, createSsrfGuard, type SsrfGuard, tenantGuards } from "@steward/probes";
import type { SecretBox } from "@steward/secrets";
import {
  type ConfigSealer,
  DEFAULT_REGION,
  ensureProbePartitions,
  getTenantProbeAllowCidrs,
  ingestProbeResults,
  listenMonitorChanges,
  listScheduledMonitors,
  type MonitorChangeListener,
  type ProbeResultRow,
  pingProbeStore,
  sealPlaintextMonitorSecrets,
  secretBox,
} from "@steward/services";
import { type Job, type Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { ResultBatcher } from "./batcher.ts";
import { catchUpSlots, storedProbeSlots } from "./catch-up.ts";
import { startFleetHeartbeat } from "./fleet-heartbeat.ts";
import type { Logger } from "./logger.ts";
import { MonitorCache } from "./monitor-cache.ts";
import { createMaintenanceProcessor } from "./processors/maintenance.ts";
import { createMonitorTestProcessor } from "./processors/monitor-test.ts";
import { registerWatchdogScheduler } from "./processors/monitors-watchdog.ts";
import { createProbeRunProcessor } from "./processors/probe-run.ts";
import { registerRollupSchedulers } from "./processors/rollup.ts";

export interface WorkerAppOptions {
  log: Logger;
  prefix?: string;
  concurrency: number;
  flushMs: number;
  flushRows: number;
  reconcileMs: number;
  /**
   * The deployment's SSRF guard (createDeploymentGuard: PROBE_ALLOWED_TARGETS + the platform deny list),
   * built by main.ts at start-up. Tests may give `allowCidrs` instead: the guard then opens those and
   * applies the platform deny list of the default environment (Postgres 5432, Redis 6379, web 3000,
   * worker 3101 on every local address), built in start().
   */
  ssrf?: SsrfGuard;
  allowCidrs?: readonly string[];
  /** The region this worker probes from (PROBE_REGION): it consumes that region's probe queue only. */
  region?: string;
  monitorCacheMs?: number;
  /**
   * PING Redis every this many ms (default 20; 0: never). Redis times out a blocked command only when its
   * event loop runs, which an idle Redis does `hz` times a second (10 by default), so BullMQ's wait for the
   * next delayed probe job (BZPOPMIN with a timeout) can overshoot by up to 100 ms: the floor of schedule
   * lateness. Any command wakes the loop, so a PING every 20 ms bounds the overshoot by ≈ 20 ms. The price
   * is CPU at low probe rates, where jobs due a few ms apart are then fetched one wake-up each instead of
   * in batches of ≈ 100 ms: ≈ +15–25 % CPU per probe at 200 probes/s (2,000 monitors × 10 s: p99 lateness
   * ≈ 100 ms → 20–40 ms). Job traffic does not replace the tick: a busy worker's jobs wait for the batch
   * commit, so Redis hears from it in bursts. With Redis at `hz 100` the tick can be 0.
   */
  redisTickMs?: number;
  /** Run the scheduler reconciler (tests may enqueue by hand instead). */
  schedule?: boolean;
  /** Opens monitor secrets for the probes (default: the process's box, from the environment). */
  secrets?: SecretBox;
  /** Called as each probe job enters the processor (benchmarks record when every run starts). */
  onProbeStart?: (job: Job) => void;
  /** Opens "test now" configs (default: `secrets`, the box the web seals them with). */
  sealer?: ConfigSealer;
  /** Parallel "test now" jobs (default 4): they are rate-limited at the API, and never starve the schedule. */
  testConcurrency?: number;
}

export interface WorkerApp {
  start(): Promise<void>;
  /** Graceful: stop taking jobs, finish in-flight probes, flush results, close connections. */
  stop(): Promise<void>;
  /** Forced: abort in-flight probes (they end as `unknown`). */
  abortProbes(): void;
  reconcile(): Promise<void>;
  ready(): Promise<{ ok: boolean; checks: Record<string, boolean> }>;
  readonly queues: { probes: Queue; maintenance: Queue };
  readonly batcher: ResultBatcher;
  readonly monitors: MonitorCache;
}

export function createWorkerApp(opts: WorkerAppOptions): WorkerApp {
  const { log } = opts;
  const prefix = opts.prefix ?? redisPrefix();
  const region = opts.region ?? DEFAULT_REGION;
  const probeQueue = probeQueueName(region);
  const abort = new AbortController();
  // Every in-flight probe listens on this one signal (concurrency can be in the hundreds).
  setMaxListeners(0, abort.signal);
  const connections: Redis[] = [];
  const conn = (name: string) => {
    const c = createRedisConnection("worker", { name: `steward-worker-${name}` });
    c.on("error", (err) => log.warn({ err: err.message, conn: name }, "redis connection error"));
    connections.push(c);
    return c;
  };

  const queueConn = conn("queues");
  const queues = {
    probes: createProbeQueue(region, { connection: queueConn, prefix }),
    maintenance: createQueue(QUEUES.maintenance, { connection: queueConn, prefix }),
  };
  for (const q of Object.values(queues)) {
    // Without a listener BullMQ prints connection errors (a Redis restart) to the console.
    q.on("error", (err) => log.warn({ err: err.message, queue: q.name }, "queue error"));
  }
  const monitors = new MonitorCache(opts.monitorCacheMs ?? 300_000);
  const batcher = new ResultBatcher({
    flushMs: opts.flushMs,
    // A worker whose every slot waits for the flush should not wait for the timer.
    maxRows: Math.min(opts.flushRows, opts.concurrency),
    ingest: (rows: ProbeResultRow[]) => ingestProbeResults(rows),
    onFlush: (s, ms) => {
      for (const c of s.changes) log.info({ monitorId: c.monitorId, from: c.from, to: c.to }, "monitor state changed");
      if (s.incidentsOpened || s.incidentsReopened || s.incidentsResolved) {
        log.info(
          { opened: s.incidentsOpened, reopened: s.incidentsReopened, resolved: s.incidentsResolved },
          "incidents updated",
        );
      }
      log.debug({ received: s.received, inserted: s.inserted, ms: Math.round(ms) }, "probe results flushed");
    },
    onError: (err, rows, attempt) => log.warn({ err, rows, attempt }, "probe result flush failed"),
  });
  let ssrf: SsrfGuard | undefined = opts.ssrf;

  let workers: Worker[] = [];
  let reconcileTimer: NodeJS.Timeout | null = null;
  let redisTick: NodeJS.Timeout | null = null;
  let reconciling: Promise<void> | null = null;
  let stopped = false;
  let listener: MonitorChangeListener | null = null;
  // Monitors named by change notifications, reconciled together shortly after (a bulk pause of 5,000
  // monitors is one targeted pass, not 5,000).
  const changed = new Set<string>();
  let changedTimer: NodeJS.Timeout | null = null;
  let targeted: Promise<void> = Promise.resolve();

  function onMonitorChanged(id: string) {
    monitors.invalidate(id);
    if (opts.schedule === false) return;
    changed.add(id);
    changedTimer ??= setTimeout(() => {
      changedTimer = null;
      const ids = [...changed];
      changed.clear();
      targeted = targeted.then(() => reconcileChanged(ids)).catch(() => {});
    }, 50);
  }

  async function reconcileChanged(ids: string[]): Promise<void> {
    if (stopped || ids.length === 0) return;
    try {
      if (ids.length > 2_000) return void (await reconcile());
      const t0 = performance.now();
      const wanted = await listScheduledMonitors(region, ids);
      const r = await reconcileProbeSchedulersFor(queues.probes, ids, wanted);
      log.info(
        { ...r, region, ms: Math.round(performance.now() - t0) },
        "probe schedulers updated after monitor changes",
      );
    } catch (err) {
      log.warn(
        { err, monitors: ids.length },
        "targeted scheduler reconcile failed (the periodic reconcile will fix it)",
      );
    }
  }

  async function reconcile(): Promise<void> {
    if (reconciling) return reconciling;
    reconciling = (async () => {
      const t0 = performance.now();
      const wanted = await listScheduledMonitors(region);
      const r = await reconcileProbeSchedulers(queues.probes, wanted, { redis: queueConn });
      const level = r.upserted || r.removed ? "info" : "debug";
      log[level]({ ...r, region, ms: Math.round(performance.now() - t0) }, "probe schedulers reconciled");
    })().finally(() => {
      reconciling = null;
    });
    return reconciling;
  }

  /** The cluster-wide maintenance schedulers (every worker upserts the same ids). */
  async function registerMaintenanceSchedulers(): Promise<void> {
    await queues.maintenance.upsertJobScheduler(
      PARTITIONS_SCHEDULER_ID,
      { every: PARTITIONS_EVERY_MS },
      { name: partitionsEnsure.name, data: { daysAhead: 7 }, opts: partitionsEnsure.options },
    );
    await registerRollupSchedulers(queues.maintenance);
    await registerWatchdogScheduler(queues.maintenance);
  }

  function scheduleReconcile() {
    reconcileTimer = setTimeout(async () => {
      try {
        await reconcile();
      } catch (err) {
        log.warn({ err }, "scheduler reconcile failed (will retry)");
      }
      if (!stopped) scheduleReconcile();
    }, opts.reconcileMs);
  }

  return {
    queues,
    batcher,
    monitors,
    reconcile,
    abortProbes: () => abort.abort(),
    async start() {
      try {
        const created = await ensureProbePartitions(7);
        log.info({ created }, "probe_results partitions ensured");
      } catch (err) {
        // Not fatal: the hourly maintenance job retries, and the DEFAULT partition takes rows meanwhile.
        log.warn({ err }, "could not ensure probe_results partitions at boot");
      }

      // Rows written before monitor secrets were sealed (migration 20261204030000) are sealed before any
      // probe runs; a clean database changes nothing. Not fatal: `pnpm secrets:rotate` does the same.
      const secrets = opts.secrets ?? secretBox();
      try {
        const sealed = await sealPlaintextMonitorSecrets(secrets);
        if (sealed > 0) log.info({ monitors: sealed }, "sealed monitor secrets stored in clear before encryption");
      } catch (err) {
        log.warn({ err }, "could not seal plaintext monitor secrets at boot");
      }

      ssrf ??= createSsrfGuard({ allowCidrs: opts.allowCidrs ?? [], deny: await buildPlatformDenyList(process.env) });
      // One guard construction for scheduled probes and "test now" alike (deployment ∪ tenant allowlist,
      // the platform deny list kept).
      const guardFor = tenantGuards(ssrf);
      const catchUp = { queue: queues.probes, redis: queueConn, region, storedSlots: storedProbeSlots };
      const processProbe = createProbeRunProcessor({
        monitors,
        batcher,
        ssrf,
        guardFor,
        region,
        secrets,
        signal: abort.signal,
        log,
        catchUp: (monitorId, slots) => catchUpSlots(catchUp, monitorId, slots),
        storedSlots: storedProbeSlots,
      });
      const onProbeStart = opts.onProbeStart;
      const probeWorker = new Worker(
        probeQueue,
        onProbeStart
          ? (job: Job) => {
              onProbeStart(job);
              return processProbe(job);
            }
          : processProbe,
        {
          connection: conn("probes"),
          prefix,
          concurrency: opts.concurrency,
          // A worker killed mid-probe (kill -9, OOM, lost host) holds its jobs' locks until they expire:
          // short locks (renewed every 5 s while the probe runs) and a 5 s stalled check hand its slots to
          // a live worker within ≈ 15 s; the re-run looks for a stored result of its (monitor, slot, region)
          // first and does not probe again if the first result did land. A slot re-delivered up to 3 times still runs.
          lockDuration: 10_000,
          stalledInterval: 5_000,
          maxStalledCount: 3,
        },
      );
      const maintenanceWorker = new Worker(QUEUES.maintenance, createMaintenanceProcessor(log), {
        connection: conn("maintenance"),
        prefix,
        concurrency: 1,
      });
      // "Test now" requests of this region (ADR 0012): same guard as the scheduled probes, reply = result.
      const testWorker = new Worker(
        monitorTestQueueName(region),
        createMonitorTestProcessor({
          guardFor,
          tenantAllowCidrs: getTenantProbeAllowCidrs,
          sealer: opts.sealer ?? secrets,
          region,
          signal: abort.signal,
          log,
        }),
        { connection: conn("monitor-tests"), prefix, concurrency: opts.testConcurrency ?? 4 },
      );
      workers = [probeWorker, maintenanceWorker, testWorker];
      for (const w of workers) {
        w.on("error", (err) => log.error({ err, queue: w.name }, "worker error"));
        w.on("failed", (job, err) =>
          log.warn({ queue: w.name, job: job?.name, jobId: job?.id, err: err.message }, "job failed"),
        );
      }

      await registerMaintenanceSchedulers();
      if (opts.schedule !== false) {
        await reconcile().catch((err) => log.warn({ err }, "initial scheduler reconcile failed (will retry)"));
        scheduleReconcile();
      }
      // Redis is only a cache of the schedules (Postgres is the truth): when the connection comes back —
      // a Redis restart may have lost every key — re-register the cluster schedulers and reconcile in full
      // at once instead of waiting for the next period.
      let redisLost = false;
      queueConn.on("close", () => {
        if (!stopped) redisLost = true;
      });
      queueConn.on("ready", () => {
        if (!redisLost || stopped) return;
        redisLost = false;
        log.info("redis connection back: re-registering schedules");
        void (async () => {
          await registerMaintenanceSchedulers();
          if (opts.schedule !== false) await reconcile();
        })().catch((err) => log.warn({ err }, "re-registering schedules failed (the periodic reconcile retries)"));
      });
      let connectedOnce = false;
      listener = listenMonitorChanges({
        onMonitor: onMonitorChanged,
        onTenant: (tenantId) => monitors.invalidateTenant(tenantId),
        onResync: () => {
          // The first connect follows the boot reconcile; a reconnect may have missed notifications.
          if (!connectedOnce) {
            connectedOnce = true;
            return;
          }
          log.info("monitor change listener reconnected: resyncing");
          monitors.invalidate();
          if (opts.schedule !== false) void reconcile().catch(() => {});
        },
        onError: (err) => log.warn({ err: err.message }, "monitor change listener error (reconnecting)"),
      });
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      const tickMs = opts.redisTickMs ?? 20;
      if (tickMs > 0) {
        redisTick = setInterval(() => {
          // Never queue pings while Redis is away (the connection buffers commands until it is back).
          if (queueConn.status === "ready") queueConn.ping().catch(() => {});
        }, tickMs);
        redisTick.unref();
      }
      startFleetHeartbeat({ log, batcher, region, concurrency: opts.concurrency, isRunning: () => !stopped });
      log.info({ region, concurrency: opts.concurrency, prefix, allowCidrs: ssrf.allowCidrs }, "worker started");
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (reconcileTimer) clearTimeout(reconcileTimer);
      if (changedTimer) clearTimeout(changedTimer);
      if (redisTick) clearInterval(redisTick);
      await listener?.close();
      await reconciling?.catch(() => {});
      await targeted;
      // Waits for active jobs; each completes once its result is committed, which the batcher now does
      // without waiting for its timer.
      const closing = Promise.all(workers.map((w) => w.close()));
      batcher.hurry();
      await closing;
      await batcher.close();
      await Promise.all([queues.probes.close(), queues.maintenance.close()]);
      for (const c of connections) c.disconnect();
    },
    async ready() {
      // The worker connection queues commands while Redis is away (maxRetriesPerRequest: null): bound the wait.
      let timer: NodeJS.Timeout | undefined;
      const redisPing = Promise.race([
        queueConn
          .ping()
          .then((r) => r === "PONG")
          .catch(() => false),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), 2_000);
        }),
      ]).finally(() => clearTimeout(timer));
      const [redis, db] = await Promise.all([redisPing, pingProbeStore(2_000)]);
      const running = workers.length > 0 && workers.every((w) => w.isRunning());
      return { ok: redis && db && running, checks: { redis, db, workers: running } };
    },
  };
}
