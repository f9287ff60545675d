// B5: sustained end-to-end capacity on one box. N monitors (default 15,000 every 10 s = 1,500 probes/s)
// probed by the real worker processes (apps/worker/dist/main.js as `npm start` runs it, one per core, product reconcile,
// schedulers, probes, batched ingest) against a node:http target. From Postgres: results stored per
// second in the measured window, and lateness of each run (checked_at - latency - scheduled_at).
// Ceiling: wrk (Connection: close) against the same target, same run.
// Target: >= 1,500 probes/s with p99 lateness < 1 s (quality.md).
import { type ChildProcess, spawn } from "node:child_process";
import { openSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import {
  buildWorker,
  envNumber,
  freePort,
  log,
  procCpuMs,
  report,
  requireBinary,
  round,
  run,
  setupDatabase,
  sleep,
  startProcess,
} from "./lib/harness.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MONITORS = envNumber("BENCH_MONITORS", 15_000);
const INTERVAL_S = envNumber("BENCH_INTERVAL_S", 10);
const SECONDS = envNumber("BENCH_DURATION_S", 60);
const WORKERS = envNumber("BENCH_WORKERS", cpus().length);
// Default: the worker's own default (PROBE_CONCURRENCY).
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? envNumber("BENCH_CONCURRENCY", 0) : undefined;

const wrk = requireBinary("wrk", "wrk");
const db = await setupDatabase("B5");
const port = await freePort();
const target = await startProcess(process.execPath, [path.join(root, "bench/lib/target-server.mjs"), String(port)]);
const url = `http://127.0.0.1:${port}/`;
const workers: ChildProcess[] = [];
const redis = new Redis(process.env.REDIS_URL || "redis://127.0.0.1:6379");
try {
  const out = await run(wrk, ["-t1", "-c128", "-d8s", "-H", "Connection: close", url]);
  const ceiling = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  log(`wrk Connection: close: ${round(ceiling, 0)} req/s`);

  const { insertMonitors } = await import("./lib/fleet.ts");
  const { probeQueueName } = await import("../packages/jobs/src/index.ts");
  const workerArgs = buildWorker();
  const admin = await db.admin();
  await insertMonitors(admin, MONITORS, url, INTERVAL_S);
  log(
    `${MONITORS} monitors every ${INTERVAL_S} s (${MONITORS / INTERVAL_S} probes/s), ${WORKERS} worker processes × concurrency ${CONCURRENCY ?? "default"}; ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );

  for (let i = 0; i < WORKERS; i++) {
    workers.push(
      spawn(process.execPath, workerArgs, {
        cwd: root,
        // BENCH_WORKER_LOG=<file>: the workers' debug logs (flush sizes and times) go there.
        stdio: [
          "ignore",
          process.env.BENCH_WORKER_LOG ? openSync(`${process.env.BENCH_WORKER_LOG}.${i}`, "w") : "ignore",
          "inherit",
        ],
        env: {
          ...process.env,
          LOG_LEVEL: process.env.BENCH_WORKER_LOG ? "debug" : "warn",
          WORKER_HEALTH_PORT: String(await freePort()),
          // Loopback targets on ephemeral ports: development mode, every port (the platform deny list still applies).
          STEWARD_DEV: "1",
          PROBE_ALLOWED_TARGETS: "127.0.0.0/8:1-65535",
          ...(CONCURRENCY ? { PROBE_CONCURRENCY: String(CONCURRENCY) } : {}),
        },
      }),
    );
  }
  const t0 = Date.now();
  while ((await redis.zcard(`${db.redisPrefix}:${probeQueueName("local")}:repeat`)) < MONITORS) {
    if (workers.some((w) => w.exitCode !== null)) throw new Error("a worker exited");
    if (Date.now() - t0 > 180_000) throw new Error("schedulers not reconciled within 180 s");
    await sleep(500);
  }
  log(`schedulers reconciled after ${round((Date.now() - t0) / 1000, 1)} s`);
  const wStart = new Date(Date.now() + 2 * INTERVAL_S * 1000);
  const wEnd = new Date(wStart.getTime() + SECONDS * 1000);
  await sleep(Math.max(0, wStart.getTime() - Date.now()));
  const cpu0 = workers.map((w) => procCpuMs(w.pid!));
  await sleep(Math.max(0, wEnd.getTime() - Date.now()));
  const workerCpuMs = workers.reduce((a, w, i) => a + procCpuMs(w.pid!) - cpu0[i]!, 0);
  const load = loadavg();
  await sleep(5_000);

  const { rows } = await admin.query(
    `select count(*)::int as n,
            count(*) filter (where state = 'UP')::int as up,
            percentile_cont(array[0.5, 0.95, 0.99]) within group (order by lateness) as p,
            max(lateness)::float8 as max
       from (select state, extract(epoch from (checked_at - scheduled_at)) * 1000 - coalesce(latency_ms, 0) as lateness
               from probe_results where scheduled_at >= $1 and scheduled_at < $2) x`,
    [wStart, wEnd],
  );
  await admin.end();
  const r = rows[0] as { n: number; up: number; p: number[] | null; max: number };
  const expected = Math.round((MONITORS * SECONDS) / INTERVAL_S);
  const rate = r.n / SECONDS;
  const [p50, p95, p99] = (r.p ?? [Number.NaN, Number.NaN, Number.NaN]).map((x) => round(x, 0));
  const cpuUsPerProbe = round((workerCpuMs * 1000) / Math.max(1, r.n), 0);
  log(
    `${r.n}/${expected} results in ${SECONDS} s = ${round(rate, 0)} probes/s (${r.up} UP); ` +
      `lateness p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms, max ${round(r.max, 0)} ms; ` +
      `worker CPU ${cpuUsPerProbe} µs/probe (all workers); load average ${load.map((l) => l.toFixed(2)).join(" ")}`,
  );
  report({
    bench: "B5",
    value: round(rate, 0),
    unit: "probes/s end to end",
    ceiling: round(ceiling, 0),
    ratio: round(rate / ceiling, 3),
    target: ">= 1500 probes/s with p99 lateness < 1 s, every slot stored",
    pass: rate >= 1500 && (p99 ?? Number.POSITIVE_INFINITY) < 1000 && r.n >= expected,
    offeredPerSec: MONITORS / INTERVAL_S,
    stored: r.n,
    expected,
    up: r.up,
    latenessMs: { p50, p95, p99, max: round(r.max, 0) },
    workerCpuUsPerProbe: cpuUsPerProbe,
    loadAverage: load.map((l) => round(l, 2)),
    workers: WORKERS,
    concurrency: CONCURRENCY ?? "default",
    seconds: SECONDS,
  });
} finally {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.exitCode !== null) return resolve();
          const kill = setTimeout(() => w.kill("SIGKILL"), 30_000);
          w.once("exit", () => {
            clearTimeout(kill);
            resolve();
          });
          w.kill("SIGTERM");
        }),
    ),
  );
  redis.disconnect();
  await target.stop();
  await db.drop();
}
