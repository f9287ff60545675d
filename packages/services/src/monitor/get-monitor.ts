import { computeUptime, emptyLatencySummary, latencyPercentiles } from "@steward/domain";
import { HeartbeatConfig, heartbeatGraceSeconds, redactConfig } from "@steward/probes";
import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { rollupLatencySummaries, rollupStateSeconds } from "../rollup/rollup-reads.ts";
import { lastZoneDays, rollupZoneDaySeconds } from "../rollup/rollup-zone-days.ts";
import { sealedSecretsOf } from "../secrets/monitor-secrets.ts";
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
        secrets: true,
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
        tags: true,
        regions: true,
        regionQuorum: true,
        lastHeartbeatAt: true,
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
    // One row per configured region (the worker's per-region state machine); a region without a row yet
    // (no worker there has run the monitor) is UNKNOWN with no data. Rows of regions no longer configured
    // are left out.
    const regionRows = await tx.monitorRegionState.findMany({
      where: { tenantId, monitorId: monitor.id, region: { in: monitor.regions } },
      select: {
        region: true,
        state: true,
        lastCheckedAt: true,
        lastLatencyMs: true,
        lastError: true,
        consecutiveFailures: true,
        consecutiveSuccesses: true,
        updatedAt: true,
      },
    });
    const byRegion = new Map(regionRows.map((r) => [r.region, r]));
    const regionStates = monitor.regions.map(
      (region) =>
        byRegion.get(region) ?? {
          region,
          state: "UNKNOWN" as const,
          lastCheckedAt: null,
          lastLatencyMs: null,
          lastError: null,
          consecutiveFailures: 0,
          consecutiveSuccesses: 0,
          updatedAt: null,
        },
    );
    // Incidents of this monitor that overlap the 90-day window (for the uptime bar's day tooltips).
    const incidents90d = await tx.incident.findMany({
      where: {
        tenantId,
        monitorId: monitor.id,
        openedAt: { lt: now },
        OR: [{ resolvedAt: null }, { resolvedAt: { gt: zoneDays.from } }],
      },
      orderBy: { openedAt: "desc" },
      take: 200,
      select: { id: true, number: true, title: true, status: true, priority: true, openedAt: true, resolvedAt: true },
    });
    // Each zone day → the incidents whose [openedAt, resolvedAt ?? now) overlaps it (same days as days90).
    const incidentsByDay: Record<string, string[]> = {};
    for (const d of lastZoneDays(90, ctx.tenant?.timezone ?? "UTC", now.getTime())) {
      const ids = incidents90d
        .filter((i) => i.openedAt.getTime() < d.to && (i.resolvedAt?.getTime() ?? now.getTime()) > d.from)
        .map((i) => i.id);
      if (ids.length) incidentsByDay[d.date] = ids;
    }
    const openIncident = await tx.incident.findFirst({
      where: { tenantId, monitorId: monitor.id, status: { not: "RESOLVED" } },
      select: { id: true, number: true, title: true, status: true, openedAt: true },
    });
    // Secrets (database / broker passwords) never leave the server: the config comes back without them.
    // Sealed values stay here too: only the names of the secrets that are set go out.
    const { secrets, ...shown } = monitor;
    const redacted = redactConfig(monitor.kind, monitor.config);
    const secretsSet = [...new Set([...redacted.secretsSet, ...Object.keys(sealedSecretsOf(secrets))])].sort();
    return {
      monitor: { ...shown, config: redacted.config as typeof monitor.config, secretsSet },
      /** HEARTBEAT only: the expected cadence and when the next beat is due (the token is never returned). */
      heartbeat: monitor.kind === "HEARTBEAT" ? heartbeatInfo(monitor) : null,
      regionStates,
      incidents90d,
      /** Local date (YYYY-MM-DD, as in days90) → ids of incidents90d overlapping that day. */
      incidentsByDay,
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

function heartbeatInfo(m: { config: unknown; intervalSeconds: number; lastHeartbeatAt: Date | null; createdAt: Date }) {
  const parsed = HeartbeatConfig.safeParse(m.config ?? {});
  const graceSeconds = heartbeatGraceSeconds(parsed.success ? parsed.data : {}, m.intervalSeconds);
  const since = m.lastHeartbeatAt ?? m.createdAt;
  return {
    lastHeartbeatAt: m.lastHeartbeatAt,
    intervalSeconds: m.intervalSeconds,
    graceSeconds,
    /** The last beat (or creation) + interval + grace: silent past this, the check fails. */
    dueBy: new Date(since.getTime() + (m.intervalSeconds + graceSeconds) * 1000),
  };
}
