import { getSystemPool } from "@steward/db";
import type { PoolLike } from "../probe/ingest-probe-results.ts";
import { type ApplySummary, applyMonitorEvents, emptyApplySummary, type MonitorEvent } from "./apply-probe-outcomes.ts";

export interface SilentRegionsOptions {
  /** Silence beyond `silentIntervals` × interval + graceMs is UNKNOWN (defaults 2 and 30 s). */
  silentIntervals?: number;
  graceMs?: number;
  /** Monitors per transaction. */
  batchSize?: number;
  pool?: PoolLike;
}

export interface SilentRegionsSummary extends ApplySummary {
  /** (monitor, region) pairs found silent. */
  silent: number;
}

/**
 * The no-data watchdog (issue 3: "UNKNOWN when no probe could run — no worker — its own state, never
 * silently up or down"). A region of an active monitor whose last result is older than
 * `silentIntervals` intervals + grace (or that never reported, counted from the monitor's creation) is
 * made UNKNOWN through the same path as probe results (applyMonitorEvents: region state, quorum verdict,
 * state interval). Regions already UNKNOWN are not touched again, so a quiet cluster costs one indexed scan.
 * Paused monitors and monitors in MAINTENANCE are left alone. Idempotent; runs on the system pool
 * (cluster-wide, like the ingest), every 15 s from the maintenance queue.
 */
export async function markSilentRegionsUnknown(
  now: Date = new Date(),
  opts: SilentRegionsOptions = {},
): Promise<SilentRegionsSummary> {
  const pool: PoolLike = opts.pool ?? getSystemPool();
  const silentIntervals = opts.silentIntervals ?? 2;
  const graceMs = opts.graceMs ?? 30_000;
  const client = await pool.connect();
  let broken = false;
  const total: SilentRegionsSummary = { silent: 0, ...emptyApplySummary() };
  try {
    const { rows } = await client.query<{ monitor_id: string; region: string; since: Date }>(
      `SELECT m.id AS monitor_id, g.region, COALESCE(s.last_checked_at, m.created_at) AS since
         FROM monitors m
        CROSS JOIN LATERAL unnest(m.regions) AS g(region)
         LEFT JOIN monitor_region_states s ON s.monitor_id = m.id AND s.region = g.region
        WHERE NOT m.paused
          AND m.state <> 'MAINTENANCE'
          AND (s.state IS NULL OR s.state <> 'UNKNOWN')
          AND COALESCE(s.last_checked_at, m.created_at)
              < $1::timestamptz - make_interval(secs => ($2 * m.interval_seconds + $3 / 1000.0))
        ORDER BY m.id`,
      [now.toISOString(), silentIntervals, graceMs],
    );
    total.silent = rows.length;
    const batchSize = opts.batchSize ?? 500;
    for (let i = 0; i < rows.length; ) {
      // Whole monitors per batch (a monitor's regions are evaluated together).
      let j = Math.min(i + batchSize, rows.length);
      while (j < rows.length && rows[j]?.monitor_id === rows[j - 1]?.monitor_id) j++;
      const events: MonitorEvent[] = rows.slice(i, j).map((r) => ({
        kind: "silent",
        monitorId: r.monitor_id,
        region: r.region,
        at: now,
        error: `no probe result from region ${r.region} since ${r.since.toISOString()} (no worker running there?)`,
      }));
      await client.query("BEGIN");
      try {
        const s = await applyMonitorEvents(client, events);
        await client.query("COMMIT");
        total.evaluated += s.evaluated;
        total.changes.push(...s.changes);
        total.incidentsOpened += s.incidentsOpened;
        total.incidentsReopened += s.incidentsReopened;
        total.incidentsResolved += s.incidentsResolved;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw err;
      }
      i = j;
    }
    return total;
  } finally {
    client.release(broken);
  }
}
