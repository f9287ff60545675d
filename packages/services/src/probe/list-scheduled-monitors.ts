import { getSystemPool } from "@steward/db";

/**
 * Every monitor that should be probed (not paused) from `region`, across tenants, for the worker's
 * scheduler reconciler (each region's workers keep their region's schedulers); with `ids`, only those of
 * them (a targeted reconcile after change notifications). System actor on the steward_system pool:
 * scheduling is not tenant-scoped.
 */
export async function listScheduledMonitors(
  region: string,
  ids?: readonly string[],
): Promise<{ id: string; intervalSeconds: number }[]> {
  const { rows } = await getSystemPool().query<{ id: string; interval_seconds: number }>(
    ids
      ? `SELECT id, interval_seconds FROM monitors WHERE NOT paused AND $1 = ANY(regions) AND id = ANY($2::uuid[]) ORDER BY id`
      : `SELECT id, interval_seconds FROM monitors WHERE NOT paused AND $1 = ANY(regions) ORDER BY id`,
    ids ? [region, ids] : [region],
  );
  return rows.map((r) => ({ id: r.id, intervalSeconds: r.interval_seconds }));
}
