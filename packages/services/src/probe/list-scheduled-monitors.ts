import { getSystemPool } from "@steward/db";

/**
 * Every monitor that should be probed (not paused) from `region`, across tenants, for the worker's
 * scheduler reconciler (each region's workers keep their region's schedulers). System actor on the
 * steward_system pool: scheduling is not tenant-scoped.
 */
export async function listScheduledMonitors(region: string): Promise<{ id: string; intervalSeconds: number }[]> {
  const { rows } = await getSystemPool().query<{ id: string; interval_seconds: number }>(
    `SELECT id, interval_seconds FROM monitors WHERE NOT paused AND $1 = ANY(regions) ORDER BY id`,
    [region],
  );
  return rows.map((r) => ({ id: r.id, intervalSeconds: r.interval_seconds }));
}
