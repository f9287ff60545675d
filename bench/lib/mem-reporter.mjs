// Preloaded into a measured process (`node --expose-gc --import <this>`): every BENCH_MEM_EVERY_MS it
// runs a full GC (when exposed) and appends process.memoryUsage() as one JSON line to BENCH_MEM_FILE.
import { appendFileSync } from "node:fs";

const file = process.env.BENCH_MEM_FILE;
if (file) {
  const every = Number(process.env.BENCH_MEM_EVERY_MS || 10_000);
  setInterval(() => {
    globalThis.gc?.();
    appendFileSync(file, `${JSON.stringify({ t: Date.now(), ...process.memoryUsage() })}\n`);
  }, every).unref();
}
