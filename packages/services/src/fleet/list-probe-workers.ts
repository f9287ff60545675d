import { getAppDb, withTenant } from "@steward/db";
import type { ServiceContext } from "../context.ts";
import { FLEET_ROLES, requireProviderStaff } from "./require-provider-staff.ts";

/** A worker that has not written its heartbeat for this long is shown as stale (it beats every 5 s). */
export const WORKER_STALE_AFTER_MS = 30_000;
/** Workers silent for longer than this are no longer listed (their rows stay for the record). */
export const WORKER_FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * The probe fleet for provider staff (admin, engineer): every worker seen in the last 24 h with its
 * region, host, pid, start, last heartbeat, lag p95 and probes/s, and whether it is stale (> 30 s silent).
 * probe_workers is provider-level (no tenant_id): read as steward_app, which may only SELECT it.
 * Also the region coverage: every region used by an active monitor of the tenants the actor reaches (read
 * under RLS for exactly those tenants), with its live workers — a region with monitors and no live worker
 * is the "silent region" the watchdog turns UNKNOWN, shown here first.
 */
export async function listProbeWorkers(ctx: ServiceContext) {
  const { access } = await requireProviderStaff(ctx, FLEET_ROLES);
  // From the memberships, not ctx: the fleet page's context is outside any tenant.
  const reachable = access.tenants.map((t) => t.id);
  const now = new Date();
  const rows = await getAppDb().probeWorker.findMany({
    where: { lastHeartbeatAt: { gt: new Date(now.getTime() - WORKER_FORGET_AFTER_MS) } },
    orderBy: [{ region: "asc" }, { hostname: "asc" }, { startedAt: "asc" }],
  });
  const workers = rows.map((w) => {
    const silentMs = Math.max(0, now.getTime() - w.lastHeartbeatAt.getTime());
    return {
      id: w.id,
      region: w.region,
      hostname: w.hostname,
      pid: w.pid,
      concurrency: w.concurrency,
      startedAt: w.startedAt,
      lastHeartbeatAt: w.lastHeartbeatAt,
      lagP95Ms: w.lagP95Ms,
      probesPerSecond: w.probesPerSecond,
      probesTotal: Number(w.probesTotal),
      silentMs,
      stale: silentMs > WORKER_STALE_AFTER_MS,
    };
  });
  const live = workers.filter((w) => !w.stale);
  const used =
    reachable.length === 0
      ? []
      : await withTenant(
          reachable,
          (tx) =>
            tx.$queryRaw<{ region: string; monitors: number }[]>`
            SELECT g.region, count(*)::int AS monitors
              FROM monitors m CROSS JOIN LATERAL unnest(m.regions) AS g(region)
             WHERE NOT m.paused
             GROUP BY g.region`,
        );
  const monitorsByRegion = new Map(used.map((u) => [u.region, u.monitors]));
  const regionNames = [...new Set([...monitorsByRegion.keys(), ...live.map((w) => w.region)])].sort();
  const regions = regionNames
    .map((region) => {
      const liveWorkers = live.filter((w) => w.region === region).length;
      const monitors = monitorsByRegion.get(region) ?? 0;
      return { region, liveWorkers, monitors, uncovered: monitors > 0 && liveWorkers === 0 };
    })
    .sort((a, b) => Number(b.uncovered) - Number(a.uncovered) || a.region.localeCompare(b.region));
  return {
    regions,
    now,
    staleAfterMs: WORKER_STALE_AFTER_MS,
    workers,
    summary: {
      live: live.length,
      stale: workers.length - live.length,
      probesPerSecond: Math.round(live.reduce((n, w) => n + w.probesPerSecond, 0) * 10) / 10,
      regions: [...new Set(live.map((w) => w.region))].sort(),
    },
  };
}
