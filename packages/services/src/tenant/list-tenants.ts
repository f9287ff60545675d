import { withTenant as dbWithTenant } from "@steward/db";
import { UPTIME_STATES, type UptimeState } from "@steward/domain";
import type { ServiceContext } from "../context.ts";

export type MonitorStateCounts = Record<UptimeState, number> & { total: number; paused: number };

export function emptyStateCounts(): MonitorStateCounts {
  return { UP: 0, DEGRADED: 0, DOWN: 0, UNKNOWN: 0, MAINTENANCE: 0, total: 0, paused: 0 };
}

/**
 * The provider home: every reachable client tenant with monitor counts by state and its open incident
 * count. Three queries whatever the number of tenants (tenants, monitor counts, incident counts), all under
 * RLS scoped to the reachable tenants.
 */
export async function listTenants(ctx: ServiceContext) {
  const ids = [...ctx.reachableTenantIds];
  if (ids.length === 0) return [];
  return dbWithTenant(ids, async (tx) => {
    const tenants = await tx.organization.findMany({
      where: { id: { in: ids }, kind: "CLIENT" },
      orderBy: { name: "asc" },
      select: { id: true, name: true, slug: true, timezone: true },
    });
    const monitorCounts = await tx.monitor.groupBy({
      by: ["tenantId", "state", "paused"],
      where: { tenantId: { in: ids } },
      _count: { _all: true },
    });
    const incidentCounts = await tx.incident.groupBy({
      by: ["tenantId"],
      where: { tenantId: { in: ids }, status: { not: "RESOLVED" } },
      _count: { _all: true },
    });
    const counts = new Map<string, MonitorStateCounts>();
    for (const row of monitorCounts) {
      const c = counts.get(row.tenantId) ?? emptyStateCounts();
      const n = row._count._all;
      c.total += n;
      if (row.paused) c.paused += n;
      else if ((UPTIME_STATES as readonly string[]).includes(row.state)) c[row.state] += n;
      counts.set(row.tenantId, c);
    }
    const open = new Map(incidentCounts.map((r) => [r.tenantId, r._count._all]));
    return tenants.map((t) => ({
      ...t,
      monitors: counts.get(t.id) ?? emptyStateCounts(),
      openIncidents: open.get(t.id) ?? 0,
    }));
  });
}
