import { getSystemPool } from "@steward/db";
import { DAY_MS, floorTo } from "./rollup-plan.ts";

/**
 * Retention of raw results: drop the daily probe_results partitions that ended at least `retentionDays`
 * ago (UTC), via steward_drop_probe_partitions_before (SECURITY DEFINER; DROP TABLE, never DELETE on
 * the daily partitions — only stragglers in the DEFAULT partition are deleted). Rollups and
 * state_intervals are kept, so uptime and percentiles of older windows still answer.
 */
export async function dropExpiredProbePartitions(
  retentionDays = 30,
  now: Date = new Date(),
): Promise<{ dropped: number; cutoff: string }> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`retentionDays must be a positive integer, got ${retentionDays}`);
  }
  const cutoff = new Date(floorTo(now.getTime(), DAY_MS) - retentionDays * DAY_MS).toISOString().slice(0, 10);
  const { rows } = await getSystemPool().query<{ dropped: number }>(
    "SELECT steward_drop_probe_partitions_before($1::date) AS dropped",
    [cutoff],
  );
  return { dropped: rows[0]?.dropped ?? 0, cutoff };
}
