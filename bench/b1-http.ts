// B1: HTTP probes/s, a new connection each, through the product's HTTP probe in ONE process
// (concurrency sweep), vs `wrk -H 'Connection: close'` against the same node:http target, the two
// alternating phase by phase over BENCH_ROUNDS rounds (the machine is shared).
// Target: >= 50 % of wrk and >= 3,000 probes/s (shared/quality.md).
import { setMaxListeners } from "node:events";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSsrfGuard, httpProbe } from "../packages/probes/src/index.ts";
import { envNumber, freePort, log, report, requireBinary, round, run, startProcess } from "./lib/harness.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = envNumber("BENCH_DURATION_S", 6);
const ROUNDS = envNumber("BENCH_ROUNDS", 2);
const SWEEP = (process.env.BENCH_CONCURRENCY ?? "16,64,256").split(",").map(Number);
const WRK_CONNS = [64, 256];

const wrk = requireBinary("wrk", "wrk");
const port = await freePort();
const target = await startProcess(process.execPath, [path.join(here, "lib/target-server.mjs"), String(port)]);
const url = `http://127.0.0.1:${port}/`;

try {
  const ssrf = createSsrfGuard({ allowCidrs: ["127.0.0.0/8"] });
  const config = httpProbe.configSchema.parse({ url });
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // as the worker does: every in-flight probe listens on one signal

  // Ceiling: wrk, one thread, new connection per request.
  const wrkPhase = async (c: number) => {
    const out = await run(wrk, ["-t1", `-c${c}`, `-d${SECONDS}s`, "-H", "Connection: close", url]);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    const errors = /Non-2xx|Socket errors:.*/.exec(out)?.[0];
    log(`wrk -c${c} Connection: close: ${round(rps, 0)} req/s${errors ? ` (${errors})` : ""}`);
    return rps;
  };
  // Ours: the product's httpProbe, N probes in flight in this process.
  const probePhase = async (concurrency: number) => {
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
    log(
      `probe c=${concurrency}: ${row.probesPerSec} probes/s, ${failed} failed${lastError ? ` (${lastError})` : ""}, ${row.cpuUsPerProbe} µs CPU/probe`,
    );
    return row;
  };

  // The machine is shared: ceiling and probe phases alternate, round after round, so that a change of load
  // weighs on both alike (measuring all of one, then all of the other, compared two different machines).
  // Each side keeps its best phase over all rounds; `rounds` keeps every round's own (paired) ratio.
  let ceiling = 0;
  const sweep: { round: number; concurrency: number; probesPerSec: number; failed: number; cpuUsPerProbe: number }[] =
    [];
  const rounds: { round: number; wrk: number; probe: number; ratio: number }[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    let wrkBest = 0;
    let probeBest = 0;
    const phases: (() => Promise<void>)[] = [];
    for (let i = 0; i < Math.max(WRK_CONNS.length, SWEEP.length); i++) {
      const c = WRK_CONNS[i];
      if (c !== undefined)
        phases.push(async () => {
          wrkBest = Math.max(wrkBest, await wrkPhase(c));
        });
      const p = SWEEP[i];
      if (p !== undefined)
        phases.push(async () => {
          const row = await probePhase(p);
          sweep.push({ round: r, ...row });
          probeBest = Math.max(probeBest, row.probesPerSec);
        });
    }
    for (const phase of phases) await phase();
    ceiling = Math.max(ceiling, wrkBest);
    rounds.push({ round: r, wrk: round(wrkBest, 0), probe: probeBest, ratio: round(probeBest / wrkBest, 3) });
    log(`round ${r}: probes ${probeBest}/s vs wrk ${round(wrkBest, 0)}/s → ${round(probeBest / wrkBest, 3)}`);
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
    pass: ratio >= 0.5 && best.probesPerSec >= 3000 && sweep.every((row) => row.failed === 0),
    bestConcurrency: best.concurrency,
    cpuUsPerProbe: best.cpuUsPerProbe,
    // Noise-robust capacity: probes one fully available core could run at the measured CPU cost.
    probesPerCoreSecond: round(1e6 / best.cpuUsPerProbe, 0),
    sweep,
    rounds,
    nodeHttpReference: nodeHttp,
    seconds: SECONDS,
  });
} finally {
  await target.stop();
}
