import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { DAY_MS, uptimeOf } from "../monitor/monitor-metrics.ts";
import { requirePermission } from "../require-permission.ts";
import { rollupLatencySeries, rollupStateSeconds } from "../rollup/rollup-reads.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { emptyStateCounts } from "./list-tenants.ts";

/**
 * The tenant overview page in a bounded number of queries: monitors (with asset), assets, open incidents,
 * the sparklines (UTC-hour buckets over the last 24 hours, the current one partial: ≤ 24 points each)
 * and exact 30-day uptime, both from rollups for rolled hours/days and raw rows / state_intervals only
 * for the rest (services/rollup/rollup-reads.ts) — never 24 h of raw rows for the whole tenant.
 * Counts: paused monitors are counted as `paused`, not under their last state.
 */
export async function getTenantOverview(ctx: ServiceContext) {
  requirePermission(ctx, "tenant:read");
  const tenant = requireTenant(ctx);
  const tenantId = tenant.id;
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "tenant.overview");
    const now = new Date();
    const from30d = new Date(now.getTime() - 30 * DAY_MS);

    const monitors = await tx.monitor.findMany({
      where: { tenantId },
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        kind: true,
        state: true,
        stateSince: true,
        paused: true,
        intervalSeconds: true,
        lastCheckedAt: true,
        lastLatencyMs: true,
        asset: { select: { id: true, name: true, kind: true } },
      },
    });
    const assets = await tx.asset.findMany({
      where: { tenantId },
      orderBy: { name: "asc" },
      select: { id: true, name: true, kind: true, environment: true, criticality: true, tags: true },
    });
    const openIncidents = await tx.incident.findMany({
      where: { tenantId, status: { not: "RESOLVED" } },
      orderBy: { openedAt: "desc" },
      take: 50,
      select: {
        id: true,
        number: true,
        title: true,
        status: true,
        priority: true,
        openedAt: true,
        acknowledgedAt: true,
        monitor: { select: { id: true, name: true } },
      },
    });
    const sparkFrom = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
    const sparklines = await rollupLatencySeries(tx, { tenantId, from: sparkFrom, to: now, now });
    const seconds30d = await rollupStateSeconds(tx, { tenantId, from: from30d, to: now, now });

    const counts = emptyStateCounts();
    for (const m of monitors) {
      counts.total += 1;
      if (m.paused) counts.paused += 1;
      else counts[m.state] += 1;
    }
    return {
      tenant,
      counts: { monitors: counts, assets: assets.length, openIncidents: openIncidents.length },
      monitors: monitors.map((m) => ({
        ...m,
        sparkline24h: (sparklines.get(m.id) ?? []).map((p) => ({ t: p.t, avg: p.avg, max: p.max, p50: p.p50 })),
        uptime30d: uptimeOf(seconds30d.get(m.id), from30d, now).uptimePercent,
      })),
      assets,
      openIncidents,
      generatedAt: now,
    };
  });
}
