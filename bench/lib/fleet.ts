// A fleet of monitors probed through the product's worker (createWorkerApp: its scheduler reconciler and
// phase offsets, BullMQ Worker settings, probe processor, MonitorCache, HTTP probe, ResultBatcher,
// ingestProbeResults), in this process so every run's start can be recorded (the app's onProbeStart hook).
// The ceiling phase uses aligned schedulers (every monitor on the same millisecond) instead of the
// reconciler's. Import only after setupDatabase() (env is read at import).
import { loadavg } from "node:os";
import type pg from "pg";
import { createWorkerApp, type WorkerApp } from "../../apps/worker/src/app.ts";
import { env } from "../../apps/worker/src/env.ts";
import { createLogger } from "../../apps/worker/src/logger.ts";
import {
  createProbeQueue,
  createRedisConnection,
  phaseOffsetMs,
  probeRun,
  probeSchedulerId,
  reconcileProbeSchedulers,
  slotFromSchedulerJobId,
} from "../../packages/jobs/src/index.ts";
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
  /** Probe concurrency of the worker (default: the worker's PROBE_CONCURRENCY default). */
  concurrency?: number;
  /** Graceful worker restarts (app.stop() + a new app) spread over the measured window. */
  restarts?: number;
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
  /** CPU time of this process (worker + bench bookkeeping) per run in the measured window, µs. */
  cpuUsPerRun: number;
  /** Redis server CPU (all clients, so an upper bound for ours) per run in the measured window, µs. */
  redisCpuUsPerRun: number;
  concurrency: number;
  /** Per minute of the measured window (by slot): runs, missing slots, lateness, 1-min load average. */
  timeline: { minute: number; runs: number; missing: number; p50: number; p99: number; load1: number }[];
}

const REGION = "local";

async function redisCpuUs(c: ReturnType<typeof createRedisConnection>): Promise<number> {
  const info = await c.info("cpu");
  const sys = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0);
  const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0);
  return (sys + user) * 1e6;
}

export async function runPhase(opts: PhaseOptions): Promise<PhaseResult> {
  const intervalMs = Math.max(...opts.monitors.map((m) => m.intervalSeconds)) * 1000;
  const offsetOf = (id: string, every: number) => (opts.aligned ? 1 : phaseOffsetMs(id, every));
  const queueConn = createRedisConnection("worker", { name: "bench-queue" });
  const queue = createProbeQueue(REGION, { connection: queueConn, prefix: opts.prefix });

  // Schedulers: the product's reconcile (the app's own boot reconcile then finds nothing to do), or
  // aligned ones for the ceiling (the app's reconciler is off in that phase so it does not "fix" them).
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
    await reconcileProbeSchedulers(queue, opts.monitors, { redis: queueConn });
  }
  const schedulerSetupMs = performance.now() - t0;

  const runs: { monitorId: string; due: number; start: number }[] = [];
  const workerLog = createLogger(process.env.LOG_LEVEL ?? "warn");
  const concurrency = opts.concurrency ?? env.PROBE_CONCURRENCY;
  const newApp = () =>
    createWorkerApp({
      log: workerLog,
      prefix: opts.prefix,
      region: REGION,
      concurrency,
      flushMs: env.PROBE_FLUSH_MS,
      flushRows: env.PROBE_FLUSH_ROWS,
      redisTickMs: env.PROBE_REDIS_TICK_MS,
      reconcileMs: env.SCHEDULER_RECONCILE_MS,
      allowCidrs: ["127.0.0.0/8"],
      schedule: !opts.aligned,
      onProbeStart: (job) => {
        const start = Date.now();
        const due = slotFromSchedulerJobId(job.id);
        if (due !== null) runs.push({ monitorId: (job.data as { monitorId: string }).monitorId, due, start });
      },
    });
  let app: WorkerApp = newApp();
  await app.start();

  const redisInfo = createRedisConnection("worker", { name: "bench-info" });
  const wStart = Date.now() + 1.5 * intervalMs;
  const wEnd = wStart + opts.seconds * 1000;
  await sleep(Math.max(0, wStart - Date.now()));
  const loads: { t: number; load1: number }[] = [];
  const loadSampler = setInterval(() => loads.push({ t: Date.now(), load1: loadavg()[0]! }), 10_000);
  const cpu0 = process.cpuUsage();
  const redis0 = await redisCpuUs(redisInfo);
  const runs0 = runs.length;
  const restarts = opts.restarts ?? 0;
  for (let k = 1; k <= restarts; k++) {
    await sleep(Math.max(0, wStart + (k * (wEnd - wStart)) / (restarts + 1) - Date.now()));
    log(`restarting the worker (${k}/${restarts})`);
    await app.stop();
    app = newApp();
    await app.start();
  }
  await sleep(Math.max(0, wEnd - Date.now()));
  const cpu = process.cpuUsage(cpu0);
  const redisUs = (await redisCpuUs(redisInfo)) - redis0;
  const runsInWindow = Math.max(1, runs.length - runs0);
  clearInterval(loadSampler);
  await sleep(3_000); // let the last slots run
  await app.stop();
  await queue.close();
  for (const c of [queueConn, redisInfo]) c.disconnect();

  // Exactness: every monitor's grid slot in [wStart, wEnd) ran exactly once; lateness of those runs.
  const seen = new Map<string, number>();
  const lateness: number[] = [];
  const minuteOf = (due: number) => Math.floor((due - wStart) / 60_000);
  const minutes = Math.ceil((wEnd - wStart) / 60_000);
  const perMinute = Array.from({ length: minutes }, () => ({ lateness: [] as number[], missing: 0 }));
  let offGrid = 0;
  for (const r of runs) {
    if (r.due < wStart || r.due >= wEnd) continue;
    const key = `${r.monitorId}|${r.due}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    lateness.push(r.start - r.due);
    perMinute[minuteOf(r.due)]?.lateness.push(r.start - r.due);
  }
  let expected = 0;
  let missing = 0;
  for (const m of opts.monitors) {
    const every = m.intervalSeconds * 1000;
    const off = offsetOf(m.id, every);
    for (let s = Math.ceil((wStart - off) / every) * every + off; s < wEnd; s += every) {
      expected++;
      if (!seen.has(`${m.id}|${s}`)) {
        missing++;
        const b = perMinute[minuteOf(s)];
        if (b) b.missing++;
      }
    }
  }
  const timeline = perMinute.map((b, minute) => {
    const l = summarize(b.lateness);
    const inMinute = loads.filter((x) => minuteOf(x.t) === minute).map((x) => x.load1);
    const load1 = inMinute.length ? inMinute.reduce((a, x) => a + x, 0) / inMinute.length : Number.NaN;
    return { minute, runs: l.n, missing: b.missing, p50: l.p50, p99: l.p99, load1: Math.round(load1 * 10) / 10 };
  });
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
    cpuUsPerRun: Math.round((cpu.user + cpu.system) / runsInWindow),
    redisCpuUsPerRun: Math.round(redisUs / runsInWindow),
    concurrency,
    timeline,
  };
}
