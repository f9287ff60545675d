import { computeUptime, emptyLatencySummary, latencyPercentiles } from "@steward/domain";
import { redactConfig } from "@steward/probes";
import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { rollupLatencySummaries, rollupStateSeconds } from "../rollup/rollup-reads.ts";
import { rollupZoneDaySeconds } from "../rollup/rollup-zone-days.ts";
import { withTenant } from "../with-tenant.ts";
import { DAY_MS, latencySeries, uptimeOf } from "./monitor-metrics.ts";

export const GetMonitorInput = z.object({ monitorId: z.uuid() });
export type GetMonitorInput = z.input<typeof GetMonitorInput>;

/**
 * One monitor with its 24 h latency series (30-minute buckets: ≤ 48 points, avg / max / p50), its state
 * intervals over 7 days, the 20 most recent results, exact uptime over 24 h / 7 d / 30 d, and `days90`:
 * seconds per state and uptime for each of the last 90 days in the tenant's zone (oldest first; today up
 * to now) with the 90-day uptime (`uptime.d90`) — rollup-zone-days.ts, exact.
 */
export async function getMonitor(ctx: ServiceContext, rawInput: GetMonitorInput) {
  requirePermission(ctx, "monitor:read");
  const input = GetMonitorInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  return withTenant(ctx, async (tx) => {
    const monitor = await tx.monitor.findFirst({
      where: { id: input.monitorId, tenantId },
      select: {
        id: true,
        name: true,
        kind: true,
        config: true,
        intervalSeconds: true,
        timeoutMs: true,
        confirmations: true,
        recoveryThreshold: true,
        degradedThresholdMs: true,
        paused: true,
        state: true,
        stateSince: true,
        lastCheckedAt: true,
        lastLatencyMs: true,
        lastError: true,
        createdAt: true,
        asset: { select: { id: true, name: true, kind: true } },
      },
    });
    if (!monitor) throw new NotFoundError("Monitor not found");
    await auditTenantRead(tx, ctx, "monitor.get", monitor.id);

    const now = new Date();
    const from24h = new Date(now.getTime() - DAY_MS);
    const from7d = new Date(now.getTime() - 7 * DAY_MS);
    const from30d = new Date(now.getTime() - 30 * DAY_MS);
    const ids = [monitor.id];

    const latency = await latencySeries(tx, {
      tenantId,
      from: from24h,
      to: now,
      bucketSeconds: 1800,
      monitorIds: ids,
      p50: true,
    });
    const intervals = await tx.stateInterval.findMany({
      where: {
        tenantId,
        monitorId: monitor.id,
        startedAt: { lt: now },
        OR: [{ endedAt: null }, { endedAt: { gt: from7d } }],
      },
      orderBy: { startedAt: "asc" },
      select: { state: true, startedAt: true, endedAt: true },
    });
    const recentResults = await tx.probeResult.findMany({
      where: { tenantId, monitorId: monitor.id, scheduledAt: { gte: from7d } },
      orderBy: { scheduledAt: "desc" },
      take: 20,
      select: {
        scheduledAt: true,
        checkedAt: true,
        state: true,
        latencyMs: true,
        statusCode: true,
        error: true,
        region: true,
      },
    });
    // 24 h and 7 d from the intervals already loaded (pure); 30 d from daily/hourly rollups plus
    // state_intervals for the unrolled edges (services/rollup): same exact maths.
    const s30 = await rollupStateSeconds(tx, { tenantId, from: from30d, to: now, now, monitorIds: ids });
    // p50/p95/p99 from merged rollup histograms (raw rows only for the partial edges).
    const percentiles = async (from: Date) =>
      latencyPercentiles(
        (await rollupLatencySummaries(tx, { tenantId, from, to: now, now, monitorIds: ids })).get(monitor.id) ??
          emptyLatencySummary(),
      );
    const latencyPercentiles24h = await percentiles(from24h);
    const latencyPercentiles30d = await percentiles(from30d);
    const zoneDays = await rollupZoneDaySeconds(tx, {
      tenantId,
      monitorId: monitor.id,
      timeZone: ctx.tenant?.timezone ?? "UTC",
      days: 90,
      now,
    });
    const openIncident = await tx.incident.findFirst({
      where: { tenantId, monitorId: monitor.id, status: { not: "RESOLVED" } },
      select: { id: true, number: true, title: true, status: true, openedAt: true },
    });
    // Secrets (database / broker passwords) never leave the server: the config comes back without them.
    const redacted = redactConfig(monitor.kind, monitor.config);
    return {
      monitor: { ...monitor, config: redacted.config as typeof monitor.config, secretsSet: redacted.secretsSet },
      latency24h: latency.get(monitor.id) ?? [],
      /** Histogram percentiles (bound in domain/latency-histogram.ts) with exact count/avg/min/max. */
      latencyPercentiles: { h24: latencyPercentiles24h, d30: latencyPercentiles30d },
      intervals7d: intervals.map((i) => ({
        state: i.state,
        startedAt: i.startedAt < from7d ? from7d : i.startedAt,
        endedAt: i.endedAt,
      })),
      recentResults,
      uptime: {
        h24: computeUptime(intervals, { from: from24h, to: now }, now),
        d7: computeUptime(intervals, { from: from7d, to: now }, now),
        d30: uptimeOf(s30.get(monitor.id), from30d, now),
        d90: uptimeOf(zoneDays.total, zoneDays.from, now),
      },
      days90: zoneDays.days,
      openIncident,
      window: { from7d, from24h, now },
    };
  });
}
