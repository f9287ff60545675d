// Preloaded into a measured process (`node --expose-gc --import <this>`): every BENCH_MEM_EVERY_MS it
// runs a full GC (when exposed) and appends process.memoryUsage() and the V8 heap spaces' sizes (MB) as one
// JSON line to BENCH_MEM_FILE.
import { appendFileSync } from "node:fs";
import { getHeapSpaceStatistics } from "node:v8";

const file = process.env.BENCH_MEM_FILE;
if (file) {
  const every = Number(process.env.BENCH_MEM_EVERY_MS || 10_000);
  setInterval(() => {
    globalThis.gc?.();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics()
        .filter((s) => s.space_size > 0)
        .map((s) => [s.space_name, Math.round(s.space_size / 1024 / 102.4) / 10]),
    );
    appendFileSync(file, `${JSON.stringify({ t: Date.now(), ...process.memoryUsage(), spaces })}\n`);
  }, every).unref();
}
