// B1: HTTP probes/s, a new connection each, through the product's HTTP probe in ONE process
// (concurrency sweep), vs `wrk -H 'Connection: close'` against the same node:http target.
// Target: >= 50 % of wrk and >= 3,000 probes/s (shared/quality.md).
import { setMaxListeners } from "node:events";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSsrfGuard, httpProbe } from "../packages/probes/src/index.ts";
import { envNumber, freePort, log, report, requireBinary, round, run, startProcess } from "./lib/harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = envNumber("BENCH_DURATION_S", 8);
const SWEEP = (process.env.BENCH_CONCURRENCY ?? "16,64,256").split(",").map(Number);
const WRK_CONNS = [64, 256];

const wrk = requireBinary("wrk", "wrk");
const port = await freePort();
const target = await startProcess(process.execPath, [path.join(here, "lib/target-server.mjs"), String(port)]);
const url = `http://127.0.0.1:${port}/`;

try {
  // Ceiling: wrk, one thread, new connection per request.
  let ceiling = 0;
  for (const c of WRK_CONNS) {
    const out = await run(wrk, ["-t1", `-c${c}`, `-d${SECONDS}s`, "-H", "Connection: close", url]);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    const errors = /Non-2xx|Socket errors:.*/.exec(out)?.[0];
    log(`wrk -c${c} Connection: close: ${round(rps, 0)} req/s${errors ? ` (${errors})` : ""}`);
    ceiling = Math.max(ceiling, rps);
  }

  // Ours: the product's httpProbe, N probes in flight in this process.
  const ssrf = createSsrfGuard({ allowCidrs: ["127.0.0.0/8"] });
  const config = httpProbe.configSchema.parse({ url });
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // as the worker does: every in-flight probe listens on one signal
  const sweep: { concurrency: number; probesPerSec: number; failed: number; cpuUsPerProbe: number }[] = [];
  for (const concurrency of SWEEP) {
    let ok = 0;
    let failed = 0;
    let lastError = "";
    const deadline = performance.now() + SECONDS * 1000;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const r = await httpProbe.run(config, { signal, timeoutMs: 10_000, ssrf });
          if (r.ok) ok++;
          else {
            failed++;
            lastError = r.error ?? "";
          }
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const row = {
      concurrency,
      probesPerSec: round(ok / secs, 0),
      failed,
      cpuUsPerProbe: round((cpu.user + cpu.system) / Math.max(1, ok + failed), 0),
    };
    sweep.push(row);
    log(
      `probe c=${concurrency}: ${row.probesPerSec} probes/s, ${failed} failed${lastError ? ` (${lastError})` : ""}, ${row.cpuUsPerProbe} µs CPU/probe`,
    );
  }
  // Reference (not the ceiling): a bare node:http client, no keep-alive, best concurrency of the sweep.
  const rawConcurrency = sweep.reduce((a, b) => (b.probesPerSec > a.probesPerSec ? b : a)).concurrency;
  let rawOk = 0;
  const rawDeadline = performance.now() + SECONDS * 1000;
  const rawCpu0 = process.cpuUsage();
  const rawT0 = performance.now();
  await Promise.all(
    Array.from({ length: rawConcurrency }, async () => {
      while (performance.now() < rawDeadline) {
        await new Promise<void>((resolve) => {
          const req = http.get(url, { agent: false, headers: { connection: "close" } }, (res) => {
            res.resume();
            res.on("end", () => {
              if (res.statusCode === 200) rawOk++;
              resolve();
            });
          });
          req.on("error", () => resolve());
        });
      }
    }),
  );
  const rawSecs = (performance.now() - rawT0) / 1000;
  const rawCpu = process.cpuUsage(rawCpu0);
  const nodeHttp = {
    concurrency: rawConcurrency,
    probesPerSec: round(rawOk / rawSecs, 0),
    cpuUsPerRequest: round((rawCpu.user + rawCpu.system) / Math.max(1, rawOk), 0),
  };
  log(
    `reference node:http agent:false c=${rawConcurrency}: ${nodeHttp.probesPerSec} req/s, ${nodeHttp.cpuUsPerRequest} µs CPU/req`,
  );

  const best = sweep.reduce((a, b) => (b.probesPerSec > a.probesPerSec ? b : a));
  const ratio = round(best.probesPerSec / ceiling, 3);
  report({
    bench: "B1",
    value: best.probesPerSec,
    unit: "probes/s",
    ceiling: round(ceiling, 0),
    ratio,
    target: ">= 0.5 ratio and >= 3000 probes/s",
    pass: ratio >= 0.5 && best.probesPerSec >= 3000 && best.failed === 0,
    bestConcurrency: best.concurrency,
    cpuUsPerProbe: best.cpuUsPerProbe,
    // Noise-robust capacity: probes one fully available core could run at the measured CPU cost.
    probesPerCoreSecond: round(1e6 / best.cpuUsPerProbe, 0),
    sweep,
    nodeHttpReference: nodeHttp,
    seconds: SECONDS,
  });
} finally {
  await target.stop();
}
