import { type IngestSummary, isDatabaseUnavailable, type ProbeResultRow } from "@steward/services";

type Ingest = (rows: ProbeResultRow[]) => Promise<IngestSummary>;

interface Pending {
  row: ProbeResultRow;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatcherOptions {
  flushMs: number;
  maxRows: number;
  ingest: Ingest;
  onFlush?: (summary: IngestSummary, ms: number) => void;
  onError?: (err: unknown, rows: number, attempt: number) => void;
  /** Retry delays for a flush that failed for another reason; then rows are retried one monitor at a time. */
  retryDelaysMs?: readonly number[];
  /** Retry delays while the database is unreachable (the last one repeats). */
  outageRetryMs?: readonly number[];
  /** How long one flush keeps waiting for an unreachable database before its rows fail (default 15 min). */
  maxOutageMs?: number;
  /** Once the worker is stopping (hurry() or close()): how long a flush still waits for an unreachable database (default 10 s). */
  closeGraceMs?: number;
}

/**
 * Collects probe results and writes them in one statement per flush (every `flushMs` or `maxRows`
 * rows). `add()` resolves once the row is committed, so a probe job only completes after its result is
 * durable: a worker killed before the flush leaves the job to BullMQ's stalled-job recovery, and the
 * re-run of the same slot is deduplicated by the (monitor, slot, region) primary key (and is not probed at
 * all if the dead worker's flush committed, processors/probe-run.ts). Flushes run one at a time.
 *
 * While Postgres is unreachable (down, restarting, refusing connections) a flush keeps its rows and
 * retries with backoff for up to `maxOutageMs`: the probe jobs stay active (their BullMQ locks are renewed
 * through Redis), new results wait behind them, the worker takes no new jobs once every concurrency slot
 * waits, and when Postgres is back everything is written with its own slot and check time — late results
 * pull the rollup coverage back (ADR 0010). A result is never acknowledged before it is committed.
 */
export class ResultBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** When the worker began to stop (hurry() or close()): from then on an outage is waited out only closeGraceMs. */
  private stoppingAt: number | null = null;
  /** Set by hurry(): rows are flushed as soon as they arrive (no flushMs wait). */
  private urgent = false;

  constructor(private readonly opts: BatcherOptions) {}

  get size(): number {
    return this.pending.length;
  }

  add(row: ProbeResultRow): Promise<void> {
    if (this.closed) return Promise.reject(new Error("batcher is closed"));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= this.opts.maxRows) void this.flush();
      else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.delay());
    });
  }

  /** Flush what is pending now (waits for a running flush first). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.opts.maxRows);
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
    if (this.pending.length > 0 && !this.timer) {
      if (this.pending.length >= this.opts.maxRows || this.closed) void this.flush();
      else this.timer = setTimeout(() => void this.flush(), this.delay());
    }
  }

  /**
   * From now on, write rows without waiting for flushMs (flushes still run one at a time): a stopping
   * worker's in-flight jobs complete only once their results are committed, so the shutdown — and the
   * gap before a restarted worker takes jobs again — no longer waits for the flush timer.
   */
  hurry(): void {
    this.urgent = true;
    this.stoppingAt ??= performance.now();
    if (this.pending.length > 0) void this.flush();
  }

  private delay(): number {
    return this.urgent ? 0 : this.opts.flushMs;
  }

  /** Stop accepting rows and flush everything pending. */
  async close(): Promise<void> {
    this.closed = true;
    this.stoppingAt ??= performance.now();
    while (this.pending.length > 0 || this.flushing) await this.flush();
  }

  /** A throwing callback (a logger) must not leave the batch's add() promises unsettled. */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch {
      // ignored: the rows' fate does not depend on it
    }
  }

  /** Whether a flush that started at `start` may keep waiting for the database to come back. */
  private mayWaitForDatabase(start: number): boolean {
    const now = performance.now();
    if (now - start >= (this.opts.maxOutageMs ?? 15 * 60_000)) return false;
    return this.stoppingAt === null || now - this.stoppingAt < (this.opts.closeGraceMs ?? 10_000);
  }

  private async write(batch: Pending[]): Promise<void> {
    const delays = this.opts.retryDelaysMs ?? [200, 1000];
    const outage = this.opts.outageRetryMs ?? [250, 500, 1000, 2000, 5000];
    const rows = batch.map((p) => p.row);
    const start = performance.now();
    let failures = 0;
    let waits = 0;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      try {
        const summary = await this.opts.ingest(rows);
        this.notify(() => this.opts.onFlush?.(summary, performance.now() - t0));
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        this.notify(() => this.opts.onError?.(err, rows.length, attempt));
        lastError = err;
        const delay =
          isDatabaseUnavailable(err) && this.mayWaitForDatabase(start)
            ? outage[Math.min(waits++, outage.length - 1)]
            : delays[failures++];
        if (delay === undefined) break;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
    // Still failing: isolate a poison row by writing each monitor's rows on their own — unless the
    // database is unreachable (each monitor would only wait again) or there is one monitor only.
    const byMonitor = new Map<string, Pending[]>();
    for (const p of batch) byMonitor.set(p.row.monitorId, [...(byMonitor.get(p.row.monitorId) ?? []), p]);
    if (isDatabaseUnavailable(lastError) || byMonitor.size === 1) {
      const why = byMonitor.size === 1 ? `for monitor ${batch[0]?.row.monitorId}` : "(database unreachable)";
      const err = new Error(`probe result flush failed ${why}`, { cause: lastError });
      for (const p of batch) p.reject(err);
      return;
    }
    for (const group of byMonitor.values()) {
      try {
        const summary = await this.opts.ingest(group.map((p) => p.row));
        this.notify(() => this.opts.onFlush?.(summary, 0));
        for (const p of group) p.resolve();
      } catch (err) {
        this.notify(() => this.opts.onError?.(err, group.length, -1));
        for (const p of group) p.reject(err);
      }
    }
  }
}
