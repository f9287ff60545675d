import { getSystemPool } from "@steward/db";
import { type ApplySummary, applyProbeOutcomes } from "../monitor-state/apply-probe-outcomes.ts";
import { earliestPossiblyRolled } from "../rollup/rollup-plan.ts";
import { ROLLUP_LOCK_SQL, retractWatermarks } from "../rollup/rollup-watermarks.ts";
import type { ProbeResultRow } from "./probe-result-row.ts";
import { recordProbeResults } from "./record-probe-results.ts";
import type { SqlClient } from "./sql.ts";

export interface IngestSummary extends ApplySummary {
  received: number;
  inserted: number;
}

/** A `pg` Pool (getSystemPool() by default; tests may pass their own). */
export interface PoolLike {
  connect(): Promise<SqlClient & { release: (err?: Error | boolean) => void }>;
}

/** A change takes effect at a row's check time, which may precede its slot when clocks disagree. */
const resultTimes = (rows: readonly ProbeResultRow[]) =>
  rows.flatMap((r) => [r.scheduledAt.getTime(), r.checkedAt.getTime()]);

/**
 * One flush of the worker's batcher: store the results (one INSERT ... UNNEST) and evaluate the newly
 * inserted ones (applyProbeOutcomes) in ONE transaction on the system pool. Either everything of the
 * flush commits — raw rows, monitor counters, state intervals, incidents, audit rows — or nothing does
 * and the flush can be retried: rows already stored are skipped by the primary key and never evaluated
 * twice. So a re-delivered slot inserts nothing and changes nothing (idempotent).
 *
 * Late results (a slot or check time in an hour the rollup job may have rolled: a flush held back while
 * Postgres was unreachable) take the rollup job's lock first and, once stored, pull the rollup watermarks
 * back to their hour, so uptime and latency stay exact: readers take those hours from raw rows until the
 * job rolls them again (ADR 0010). A flush that turns late before COMMIT is redone that way. On time, a
 * flush pays nothing for this.
 */
export async function ingestProbeResults(
  rows: readonly ProbeResultRow[],
  opts: { pool?: PoolLike; clock?: () => number } = {},
): Promise<IngestSummary> {
  const pool: PoolLike = opts.pool ?? getSystemPool();
  const clock = opts.clock ?? Date.now;
  const times = resultTimes(rows);
  let locked = earliestPossiblyRolled(times, clock()) !== null;
  for (;;) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      // Before any row lock is taken: a rollup run in progress finishes first (and sees nothing of ours).
      if (locked) await client.query(ROLLUP_LOCK_SQL);
      const inserted = await recordProbeResults(client, rows);
      const applied = await applyProbeOutcomes(client, inserted);
      const now = clock();
      if (!locked && earliestPossiblyRolled(times, now) !== null) {
        // The flush became late while it waited (row locks): again, the locked way.
        await client.query("ROLLBACK");
        locked = true;
        continue;
      }
      if (locked) {
        // What was stored (a replayed row changes nothing) and the state changes it made.
        const stale = earliestPossiblyRolled(
          [...resultTimes(inserted), ...applied.changes.map((c) => c.at.getTime())],
          now,
        );
        if (stale !== null) await retractWatermarks(client, new Date(stale));
      }
      await client.query("COMMIT");
      return { received: rows.length, inserted: inserted.length, ...applied };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
