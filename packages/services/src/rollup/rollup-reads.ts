import { Prisma, type Tx } from "@steward/db";
import {
  emptyLatencySummary,
  emptySeconds,
  histogramPercentile,
  LATENCY_THRESHOLDS,
  type LatencySummary,
  mergeLatencySummaries,
  type SecondsByState,
} from "@steward/domain";
import { type Coverage, planRollupWindow, type Range, type RollupPlan, twoRanges } from "./rollup-plan.ts";

/**
 * Read models over rollups (not verbs; callers hold the tenant transaction). Every query filters on
 * tenant_id explicitly; RLS is the second wall. Windows are split by planRollupWindow: whole covered
 * days from monitor_rollups_daily, whole covered hours from monitor_rollups_hourly, and the rest (the
 * partial first hour, the open current hour, anything not rolled yet) from state_intervals /
 * probe_results — so answers are exact whether or not the rollup job has caught up, and a long window
 * reads O(days + 48) rollup rows per monitor plus O(state changes) in at most two partial hours.
 *
 * Time zones: rollup buckets are UTC hours and days. "A day" in a tenant's zone is just a window
 * [local midnight, next local midnight): for whole-hour offsets it is read from 24 hourly rows (plus
 * daily rows where whole UTC days fit). For 30/45-minute offsets (Asia/Kolkata, Asia/Kathmandu, …) the
 * partial hours at the edges come from raw data: uptime stays exact (state_intervals are kept forever),
 * but latency for those two partial hours needs raw probe_results, which retention drops after 30 days
 * — older percentiles for such zones then miss up to two half hours per window. Proper support
 * (15-minute rollups) is out of scope for now.
 */

export interface RollupWindow {
  tenantId: string;
  from: Date;
  to: Date;
  /** Open intervals end here; nothing after it counts. Defaults to the wall clock. */
  now?: Date;
  /** null/undefined: every monitor of the tenant. */
  monitorIds?: readonly string[] | null;
}

/**
 * The monitors of a raw probe_results read. probe_results has no tenant index (ADR 0006): a tenant-wide
 * read looks its monitors up by tenant and reads their rows through the primary key (an index condition,
 * one descent per monitor), like a read of given monitors.
 */
function rawMonitors(tenantId: string, ids: readonly string[] | null): Prisma.Sql {
  return ids
    ? Prisma.sql`monitor_id = any(${[...ids]}::uuid[])`
    : Prisma.sql`monitor_id = any(array(select id from monitors where tenant_id = ${tenantId}::uuid))`;
}

export async function readRollupPlan(tx: Tx, w: RollupWindow): Promise<{ plan: RollupPlan; to: Date; now: Date }> {
  const now = w.now ?? new Date();
  const to = new Date(Math.min(w.to.getTime(), now.getTime()));
  const rows = await tx.$queryRaw<{ name: string; covered_from: Date; covered_until: Date }[]>`
    select name, covered_from, covered_until from rollup_watermarks`;
  const cov = (name: string): Coverage | null => {
    const r = rows.find((x) => x.name === name);
    return r ? { from: r.covered_from, until: r.covered_until } : null;
  };
  return { plan: planRollupWindow({ from: w.from, to }, { hourly: cov("hourly"), daily: cov("daily") }), to, now };
}

/** Exact seconds per state per monitor over the window (sum of ms / 1000). */
export async function rollupStateSeconds(tx: Tx, w: RollupWindow): Promise<Map<string, SecondsByState>> {
  const { plan, now } = await readRollupPlan(tx, w);
  const ids = w.monitorIds ? [...w.monitorIds] : null;
  const [h1, h2] = twoRanges(plan.hourly);
  const [r1, r2] = twoRanges(plan.raw);
  const [d1] = twoRanges(plan.daily);
  const rows = await tx.$queryRaw<
    { monitor_id: string; up: number; degraded: number; down: number; unknown: number; maintenance: number }[]
  >`
    select monitor_id::text as monitor_id,
           sum(up)::float8 as up, sum(degraded)::float8 as degraded, sum(down)::float8 as down,
           sum(unknown)::float8 as unknown, sum(maintenance)::float8 as maintenance
      from (
        select monitor_id, up_ms::bigint as up, degraded_ms::bigint as degraded, down_ms::bigint as down,
               unknown_ms::bigint as unknown, maintenance_ms::bigint as maintenance
          from monitor_rollups_hourly
         where tenant_id = ${w.tenantId}::uuid
           and (${ids}::uuid[] is null or monitor_id = any(${ids}::uuid[]))
           and ((bucket_start >= ${h1.from}::timestamptz and bucket_start < ${h1.to}::timestamptz)
             or (bucket_start >= ${h2.from}::timestamptz and bucket_start < ${h2.to}::timestamptz))
        union all
        select monitor_id, up_ms::bigint, degraded_ms::bigint, down_ms::bigint, unknown_ms::bigint, maintenance_ms::bigint
          from monitor_rollups_daily
         where tenant_id = ${w.tenantId}::uuid
           and (${ids}::uuid[] is null or monitor_id = any(${ids}::uuid[]))
           and bucket_start >= ${d1.from}::timestamptz and bucket_start < ${d1.to}::timestamptz
        union all
        select si.monitor_id,
               case when si.state = 'UP' then p.ms else 0 end,
               case when si.state = 'DEGRADED' then p.ms else 0 end,
               case when si.state = 'DOWN' then p.ms else 0 end,
               case when si.state = 'UNKNOWN' then p.ms else 0 end,
               case when si.state = 'MAINTENANCE' then p.ms else 0 end
          from state_intervals si
          join (values (${r1.from}::timestamptz, ${r1.to}::timestamptz), (${r2.from}::timestamptz, ${r2.to}::timestamptz)) r(f, t)
            on si.started_at < r.t and (si.ended_at is null or si.ended_at > r.f) and r.t > r.f
          cross join lateral (
            select round(extract(epoch from (least(coalesce(si.ended_at, ${now}::timestamptz), ${now}::timestamptz, r.t)
                                             - greatest(si.started_at, r.f))) * 1000)::bigint as ms) p
         where si.tenant_id = ${w.tenantId}::uuid
           and (${ids}::uuid[] is null or si.monitor_id = any(${ids}::uuid[]))
           and p.ms > 0
      ) x
     group by 1`;
  const out = new Map<string, SecondsByState>();
  for (const r of rows) {
    const s = emptySeconds();
    s.UP = r.up / 1000;
    s.DEGRADED = r.degraded / 1000;
    s.DOWN = r.down / 1000;
    s.UNKNOWN = r.unknown / 1000;
    s.MAINTENANCE = r.maintenance / 1000;
    out.set(r.monitor_id, s);
  }
  return out;
}

/**
 * Mergeable latency summaries per monitor over the window: rollup histograms for covered hours/days,
 * and for the raw edges a histogram built in SQL with the same bounds (width_bucket), so the result is
 * exactly the histogram of every raw row in the window (while raw rows are retained).
 */
export async function rollupLatencySummaries(tx: Tx, w: RollupWindow): Promise<Map<string, LatencySummary>> {
  const { plan } = await readRollupPlan(tx, w);
  const ids = w.monitorIds ? [...w.monitorIds] : null;
  const [h1, h2] = twoRanges(plan.hourly);
  const [r1, r2] = twoRanges(plan.raw);
  const [d1] = twoRanges(plan.daily);
  const thresholds = [...LATENCY_THRESHOLDS];
  const rolled = await tx.$queryRaw<
    { monitor_id: string; hist: number[]; count: number; sum: number; min: number | null; max: number | null }[]
  >`
    select monitor_id::text as monitor_id, latency_hist as hist, latency_count as count,
           latency_sum::float8 as sum, latency_min as min, latency_max as max
      from monitor_rollups_hourly
     where tenant_id = ${w.tenantId}::uuid and latency_count > 0
       and (${ids}::uuid[] is null or monitor_id = any(${ids}::uuid[]))
       and ((bucket_start >= ${h1.from}::timestamptz and bucket_start < ${h1.to}::timestamptz)
         or (bucket_start >= ${h2.from}::timestamptz and bucket_start < ${h2.to}::timestamptz))
    union all
    select monitor_id::text, latency_hist, latency_count, latency_sum::float8, latency_min, latency_max
      from monitor_rollups_daily
     where tenant_id = ${w.tenantId}::uuid and latency_count > 0
       and (${ids}::uuid[] is null or monitor_id = any(${ids}::uuid[]))
       and bucket_start >= ${d1.from}::timestamptz and bucket_start < ${d1.to}::timestamptz`;
  const raw =
    plan.raw.length === 0
      ? []
      : await tx.$queryRaw<{ monitor_id: string; b: number; count: number; sum: number; min: number; max: number }[]>`
    select monitor_id::text as monitor_id, width_bucket(latency_ms, ${thresholds}::int[]) as b,
           count(*)::int as count, sum(latency_ms)::float8 as sum, min(latency_ms) as min, max(latency_ms) as max
      from probe_results
     where tenant_id = ${w.tenantId}::uuid and latency_ms is not null
       and ${rawMonitors(w.tenantId, ids)}
       and ((scheduled_at >= ${r1.from}::timestamptz and scheduled_at < ${r1.to}::timestamptz)
         or (scheduled_at >= ${r2.from}::timestamptz and scheduled_at < ${r2.to}::timestamptz))
     group by 1, 2`;
  const parts = new Map<string, LatencySummary[]>();
  const push = (id: string, s: LatencySummary) => {
    const list = parts.get(id) ?? [];
    list.push(s);
    parts.set(id, list);
  };
  for (const r of rolled) push(r.monitor_id, { hist: r.hist, count: r.count, sum: r.sum, min: r.min, max: r.max });
  for (const r of raw) {
    const s = emptyLatencySummary();
    s.hist[r.b] = r.count;
    s.count = r.count;
    s.sum = r.sum;
    s.min = r.min;
    s.max = r.max;
    push(r.monitor_id, s);
  }
  const out = new Map<string, LatencySummary>();
  for (const [id, list] of parts) out.set(id, mergeLatencySummaries(...list));
  return out;
}

export interface RollupLatencyPoint {
  /** Start of the UTC hour. */
  t: Date;
  /** Exact mean (sum / count), 0.1 ms. */
  avg: number;
  /** Exact. */
  max: number;
  /** Histogram estimate (domain/latency-histogram.ts). */
  p50: number;
  count: number;
}

/**
 * Hourly latency points per monitor over [from, to) (from is floored to the UTC hour): covered hours
 * from monitor_rollups_hourly, the rest (the open current hour, hours not rolled yet) from probe_results
 * grouped by hour with the same histogram bounds. Two queries for any number of monitors.
 */
export async function rollupLatencySeries(tx: Tx, w: RollupWindow): Promise<Map<string, RollupLatencyPoint[]>> {
  const from = new Date(Math.floor(w.from.getTime() / 3_600_000) * 3_600_000);
  const { plan: full } = await readRollupPlan(tx, { ...w, from });
  // Hourly resolution: whole days are read as their hours.
  const hourly = [...full.hourly, ...full.daily].sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: Range[] = [];
  for (const r of hourly) {
    const last = merged.at(-1);
    if (last && last.to.getTime() === r.from.getTime()) last.to = r.to;
    else merged.push({ ...r });
  }
  const ids = w.monitorIds ? [...w.monitorIds] : null;
  const [h1, h2] = twoRanges(merged);
  const [r1, r2] = twoRanges(full.raw);
  const thresholds = [...LATENCY_THRESHOLDS];
  const rolled = await tx.$queryRaw<
    {
      monitor_id: string;
      t: Date;
      hist: number[];
      count: number;
      sum: number;
      min: number | null;
      max: number | null;
    }[]
  >`
    select monitor_id::text as monitor_id, bucket_start as t, latency_hist as hist, latency_count as count,
           latency_sum::float8 as sum, latency_min as min, latency_max as max
      from monitor_rollups_hourly
     where tenant_id = ${w.tenantId}::uuid and latency_count > 0
       and (${ids}::uuid[] is null or monitor_id = any(${ids}::uuid[]))
       and ((bucket_start >= ${h1.from}::timestamptz and bucket_start < ${h1.to}::timestamptz)
         or (bucket_start >= ${h2.from}::timestamptz and bucket_start < ${h2.to}::timestamptz))`;
  const raw =
    full.raw.length === 0
      ? []
      : await tx.$queryRaw<
          { monitor_id: string; t: Date; b: number; count: number; sum: number; min: number; max: number }[]
        >`
    select monitor_id::text as monitor_id,
           date_bin('1 hour', scheduled_at, '2000-01-01 00:00:00+00'::timestamptz) as t,
           width_bucket(latency_ms, ${thresholds}::int[]) as b,
           count(*)::int as count, sum(latency_ms)::float8 as sum, min(latency_ms) as min, max(latency_ms) as max
      from probe_results
     where tenant_id = ${w.tenantId}::uuid and latency_ms is not null
       and ${rawMonitors(w.tenantId, ids)}
       and ((scheduled_at >= ${r1.from}::timestamptz and scheduled_at < ${r1.to}::timestamptz)
         or (scheduled_at >= ${r2.from}::timestamptz and scheduled_at < ${r2.to}::timestamptz))
     group by 1, 2, 3`;
  const byMonitor = new Map<string, Map<number, LatencySummary>>();
  const add = (id: string, t: Date, s: LatencySummary) => {
    const m = byMonitor.get(id) ?? new Map<number, LatencySummary>();
    const key = new Date(t).getTime();
    m.set(key, mergeLatencySummaries(m.get(key), s));
    byMonitor.set(id, m);
  };
  for (const r of rolled) add(r.monitor_id, r.t, { hist: r.hist, count: r.count, sum: r.sum, min: r.min, max: r.max });
  for (const r of raw) {
    const s = emptyLatencySummary();
    s.hist[r.b] = r.count;
    Object.assign(s, { count: r.count, sum: r.sum, min: r.min, max: r.max });
    add(r.monitor_id, r.t, s);
  }
  const out = new Map<string, RollupLatencyPoint[]>();
  for (const [id, points] of byMonitor) {
    const list = [...points.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([t, s]) => ({
        t: new Date(t),
        avg: Math.round((s.sum / s.count) * 10) / 10,
        max: s.max ?? 0,
        p50: histogramPercentile(s.hist, 50, s) ?? 0,
        count: s.count,
      }));
    out.set(id, list);
  }
  return out;
}
