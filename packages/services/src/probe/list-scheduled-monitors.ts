import { getSystemPool } from "@steward/db";

/**
 * Every monitor that should be probed (not paused), across tenants, for the worker's scheduler
 * reconciler. System actor on the steward_system pool: scheduling is not tenant-scoped.
 */
export async function listScheduledMonitors(): Promise<{ id: string; intervalSeconds: number }[]> {
  const { rows } = await getSystemPool().query<{ id: string; interval_seconds: number }>(
    `SELECT id, interval_seconds FROM monitors WHERE NOT paused ORDER BY id`,
  );
  return rows.map((r) => ({ id: r.id, intervalSeconds: r.interval_seconds }));
}
