import { getAppDb } from "@steward/db";
import type { ServiceContext } from "../context.ts";
import { WORKER_FORGET_AFTER_MS, WORKER_STALE_AFTER_MS } from "../fleet/list-probe-workers.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { MONITOR_DEFAULT_REGION } from "./monitor-fields.ts";

export interface MonitorRegionChoice {
  region: string;
  /** A worker of this region wrote its heartbeat within the last 30 s. */
  live: boolean;
  /** Workers of this region seen in the last 24 h (0: only used by the tenant's monitors, or "local"). */
  workers: number;
  /** This tenant's monitors probed from the region. */
  monitors: number;
}

/**
 * The regions a monitor can be probed from, for the create / edit form: every region of the probe fleet
 * (workers seen in the last 24 h, whether one is live now), the regions this tenant's monitors already
 * use, and "local". Region names only — no hosts or worker ids (those are provider-level). Sorted with the
 * live regions first.
 */
export async function listMonitorRegions(ctx: ServiceContext): Promise<MonitorRegionChoice[]> {
  requirePermission(ctx, "monitor:read");
  const now = Date.now();
  // probe_workers is provider-level (no tenant_id): steward_app may only SELECT it.
  const fleet = await getAppDb().probeWorker.groupBy({
    by: ["region"],
    where: { lastHeartbeatAt: { gt: new Date(now - WORKER_FORGET_AFTER_MS) } },
    _count: { _all: true },
    _max: { lastHeartbeatAt: true },
  });
  const used = await withTenant(
    ctx,
    (tx) =>
      tx.$queryRaw<{ region: string; n: number }[]>`
      select r.region, count(*)::int as n
        from monitors m, unnest(m.regions) as r(region)
       where m.tenant_id = ${ctx.tenant?.id ?? ""}::uuid
       group by 1`,
  );
  const out = new Map<string, MonitorRegionChoice>();
  const get = (region: string) => {
    const c = out.get(region) ?? { region, live: false, workers: 0, monitors: 0 };
    out.set(region, c);
    return c;
  };
  get(MONITOR_DEFAULT_REGION);
  for (const f of fleet) {
    const c = get(f.region);
    c.workers = f._count._all;
    c.live = (f._max.lastHeartbeatAt?.getTime() ?? 0) > now - WORKER_STALE_AFTER_MS;
  }
  for (const u of used) get(u.region).monitors = u.n;
  return [...out.values()].sort((a, b) => Number(b.live) - Number(a.live) || a.region.localeCompare(b.region));
}
