import { getSystemPool } from "@steward/db";

/**
 * Partition upkeep: make sure the daily probe_results partitions exist from yesterday to `daysAhead`
 * days ahead (steward_ensure_probe_partitions is SECURITY DEFINER, callable by steward_system).
 * Returns the number of partitions created.
 */
export async function ensureProbePartitions(daysAhead = 7): Promise<number> {
  const { rows } = await getSystemPool().query<{ created: number }>(
    "SELECT steward_ensure_probe_partitions($1) AS created",
    [daysAhead],
  );
  return rows[0]?.created ?? 0;
}
