// B4: schedule lateness through real BullMQ job schedulers with the product's phase offsets and the
// product's worker code path (processor, monitor cache, HTTP probe, batcher, ingest), plus the
// exactly-one-run-per-monitor-per-interval check. Ceiling: the same fleet with aligned schedulers (every
// monitor on the same millisecond), measured in the same run; both p99s are reported.
// Default (short): 2,000 monitors × 10 s, 75 s measured per phase. BENCH_FULL=1: 10,000 monitors × 10 s
// for 10 minutes with 3 worker restarts (quality.md B4). BENCH_MONITORS / BENCH_DURATION_S /
// BENCH_RESTARTS / BENCH_CONCURRENCY override.
import { loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { envNumber, freePort, log, report, round, setupDatabase, startProcess } from "./lib/harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const FULL = process.env.BENCH_FULL === "1";
const MONITORS = envNumber("BENCH_MONITORS", FULL ? 10_000 : 2_000);
const SECONDS = envNumber("BENCH_DURATION_S", FULL ? 600 : 75);
const RESTARTS = envNumber("BENCH_RESTARTS", FULL ? 3 : 0);
// Default: the worker's own default (PROBE_CONCURRENCY).
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? envNumber("BENCH_CONCURRENCY", 0) : undefined;
const INTERVAL_S = 10;

const db = await setupDatabase("B4");
const port = await freePort();
const target = await startProcess(process.execPath, [path.join(here, "lib/target-server.mjs"), String(port)]);
try {
  const { insertMonitors, runPhase } = await import("./lib/fleet.ts");
  const { disconnectAll } = await import("../packages/db/src/index.ts");
  const admin = await db.admin();
  const monitors = await insertMonitors(admin, MONITORS, `http://127.0.0.1:${port}/`, INTERVAL_S);
  log(
    `${MONITORS} monitors every ${INTERVAL_S} s, ${SECONDS} s measured per phase, concurrency ${CONCURRENCY ?? "default"}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );

  const phase = async (aligned: boolean) => {
    const r = await runPhase({
      prefix: `${db.redisPrefix}-${aligned ? "aligned" : "offset"}`,
      monitors,
      aligned,
      seconds: SECONDS,
      ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      restarts: aligned ? 0 : RESTARTS,
    });
    const l = r.lateness;
    log(
      `${aligned ? "aligned " : "offsets "}: lateness p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms; ` +
        `${r.ran}/${r.expected} runs, ${r.missing} missing, ${r.duplicates} duplicate, ${r.offGrid} off-grid; ` +
        `schedulers set up in ${r.schedulerSetupMs} ms; CPU/run ${r.cpuUsPerRun} µs (this process), ` +
        `Redis CPU/run ${r.redisCpuUsPerRun} µs; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")}`,
    );
    for (const m of r.timeline) {
      log(
        `  minute ${m.minute}: ${m.runs} runs, ${m.missing} missing, lateness p50 ${m.p50} ms, p99 ${m.p99} ms, load ${m.load1}`,
      );
    }
    return r;
  };
  const ours = await phase(false);
  // BENCH_SKIP_CEILING=1 (experiments only): no aligned phase, so no ratio.
  const aligned = process.env.BENCH_SKIP_CEILING === "1" ? ours : await phase(true);
  const { rows } = await admin.query("select count(*)::int as n from probe_results");
  log(`probe_results rows stored: ${rows[0].n}`);
  await admin.end();
  await disconnectAll();

  const exact = ours.missing === 0 && ours.duplicates === 0 && ours.offGrid === 0;
  report({
    bench: "B4",
    value: ours.lateness.p99,
    unit: "ms lateness p99 (phase offsets)",
    ceiling: aligned.lateness.p99,
    ratio: round(ours.lateness.p99 / Math.max(1, aligned.lateness.p99), 3),
    target: "p99 <= 250 ms (stretch 100 ms); exactly one run per monitor per interval",
    pass: ours.lateness.p99 <= 250 && exact,
    full: FULL,
    monitors: MONITORS,
    intervalSeconds: INTERVAL_S,
    seconds: SECONDS,
    restarts: RESTARTS,
    concurrency: ours.concurrency,
    loadAverage: loadavg().map((l) => round(l, 2)),
    offsets: {
      ...ours.lateness,
      expected: ours.expected,
      missing: ours.missing,
      duplicates: ours.duplicates,
      offGrid: ours.offGrid,
      cpuUsPerRun: ours.cpuUsPerRun,
      redisCpuUsPerRun: ours.redisCpuUsPerRun,
      timeline: ours.timeline,
    },
    alignedRun: {
      ...aligned.lateness,
      expected: aligned.expected,
      missing: aligned.missing,
      duplicates: aligned.duplicates,
      cpuUsPerRun: aligned.cpuUsPerRun,
    },
  });
} finally {
  await target.stop();
  await db.drop();
}
