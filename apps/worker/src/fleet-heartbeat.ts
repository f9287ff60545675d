import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type ProbeResultRow, recordWorkerHeartbeat } from "@steward/services";
import type { ResultBatcher } from "./batcher.ts";
import type { Logger } from "./logger.ts";

export const HEARTBEAT_EVERY_MS = 5_000;
/** Lag and rate are measured over this sliding window. */
const WINDOW_MS = 60_000;

/** The 95th percentile (nearest rank) of `values`; null when empty. */
export function p95(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

/**
 * Per-worker probe statistics over the last minute: how late probes start after their slot (lag: checked
 * at − latency − scheduled at) and how many finish per second.
 */
export class FleetStats {
  private samples: { at: number; lagMs: number }[] = [];
  total = 0;
  region = "local";

  record(row: Pick<ProbeResultRow, "scheduledAt" | "checkedAt" | "latencyMs" | "region">, now = Date.now()): void {
    const lagMs = Math.max(0, row.checkedAt.getTime() - (row.latencyMs ?? 0) - row.scheduledAt.getTime());
    this.samples.push({ at: now, lagMs });
    this.total++;
    if (row.region) this.region = row.region;
  }

  snapshot(now = Date.now()): { lagP95Ms: number | null; probesPerSecond: number } {
    const from = now - WINDOW_MS;
    let i = 0;
    while (i < this.samples.length && this.samples[i]!.at < from) i++;
    if (i) this.samples = this.samples.slice(i);
    const lag = p95(this.samples.map((s) => s.lagMs));
    return { lagP95Ms: lag, probesPerSecond: Math.round((this.samples.length / (WINDOW_MS / 1000)) * 100) / 100 };
  }
}

export interface FleetHeartbeatOptions {
  log: Logger;
  batcher: ResultBatcher;
  concurrency?: number;
  /** The worker's region (PROBE_REGION). */
  region?: string;
  /** False once the worker is stopping: the heartbeat stops too (the row then goes stale on the fleet page). */
  isRunning: () => boolean;
  everyMs?: number;
}

/**
 * Registers this worker process in probe_workers and refreshes its row every 5 s with lag p95 and
 * probes/s (seen through the result batcher, which every probe result passes). The fleet page shows a
 * worker silent for more than 30 s as stale.
 */
export function startFleetHeartbeat(opts: FleetHeartbeatOptions): { id: string; stats: FleetStats; stop(): void } {
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const stats = new FleetStats();
  if (opts.region) stats.region = opts.region;
  const startedAt = new Date();
  // Observe every result on its way to the batcher (no change to the probe processor).
  const add = opts.batcher.add.bind(opts.batcher);
  opts.batcher.add = (row: ProbeResultRow) => {
    stats.record(row);
    return add(row);
  };
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;
  const beat = async () => {
    if (!opts.isRunning()) return stop();
    try {
      await recordWorkerHeartbeat({
        id,
        region: stats.region,
        hostname: hostname(),
        pid: process.pid,
        concurrency: opts.concurrency ?? null,
        startedAt,
        ...stats.snapshot(),
        probesTotal: stats.total,
      });
      if (failures) opts.log.info({ id }, "fleet heartbeat recovered");
      failures = 0;
    } catch (err) {
      if (failures++ === 0) opts.log.warn({ err, id }, "fleet heartbeat failed (will retry)");
    }
  };
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  void beat();
  timer = setInterval(() => void beat(), opts.everyMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  return { id, stats, stop };
}
