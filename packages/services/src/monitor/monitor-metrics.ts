import { Prisma, type Tx, withTenantRead } from "@steward/db";
import {
  emptySeconds,
  type SecondsByState,
  type UptimeBreakdown,
  type UptimeState,
  uptimeFromSeconds,
} from "@steward/domain";

/**
 * Shared read models for monitors (not verbs). Every query filters on tenant_id explicitly; RLS is the
 * second wall.
 */

export interface LatencyPoint {
  /** Bucket start. */
  t: Date;
  avg: number;
  max: number;
  p50?: number;
  count: number;
}

/**
 * Latency buckets from probe_results over [from, to): `bucketSeconds` wide, aligned on `from` (so 24 h at
 * 1800 s is at most 48 points). One query for all `monitorIds` (or every monitor of the tenant).
 */
export async function latencySeries(
  tx: Tx,
  opts: {
    tenantId: string;
    from: Date;
    to: Date;
    bucketSeconds: number;
    monitorIds?: readonly string[];
    p50?: boolean;
  },
): Promise<Map<string, LatencyPoint[]>> {
  const bucket = `${Math.max(1, Math.floor(opts.bucketSeconds))} seconds`;
  // probe_results has no tenant index (ADR 0006): the tenant's monitors are read through the primary key.
  const monitors = opts.monitorIds
    ? Prisma.sql`monitor_id = any(${[...opts.monitorIds]}::uuid[])`
    : Prisma.sql`monitor_id = any(array(select id from monitors where tenant_id = ${opts.tenantId}::uuid))`;
  const rows = opts.p50
    ? await tx.$queryRaw<
        { monitor_id: string; t: Date; avg: number; max: number; p50: number; count: number }[]
      >`select monitor_id::text as monitor_id,
               date_bin(${bucket}::interval, scheduled_at, ${opts.from}::timestamptz) as t,
               avg(latency_ms)::float8 as avg, max(latency_ms)::float8 as max,
               percentile_cont(0.5) within group (order by latency_ms)::float8 as p50,
               count(*)::int as count
          from probe_results
         where tenant_id = ${opts.tenantId}::uuid
           and scheduled_at >= ${opts.from}::timestamptz and scheduled_at < ${opts.to}::timestamptz
           and latency_ms is not null
           and ${monitors}
         group by 1, 2 order by 1, 2`
    : await tx.$queryRaw<{ monitor_id: string; t: Date; avg: number; max: number; count: number }[]>`
        select monitor_id::text as monitor_id,
               date_bin(${bucket}::interval, scheduled_at, ${opts.from}::timestamptz) as t,
               avg(latency_ms)::float8 as avg, max(latency_ms)::float8 as max, count(*)::int as count
          from probe_results
         where tenant_id = ${opts.tenantId}::uuid
           and scheduled_at >= ${opts.from}::timestamptz and scheduled_at < ${opts.to}::timestamptz
           and latency_ms is not null
           and ${monitors}
         group by 1, 2 order by 1, 2`;
  const out = new Map<string, LatencyPoint[]>();
  for (const r of rows) {
    const list = out.get(r.monitor_id) ?? [];
    const point: LatencyPoint = { t: new Date(r.t), avg: Math.round(r.avg * 10) / 10, max: r.max, count: r.count };
    if ("p50" in r && typeof r.p50 === "number") point.p50 = r.p50;
    list.push(point);
    out.set(r.monitor_id, list);
  }
  return out;
}

export interface StateSecondsQuery {
  tenantId: string;
  from: Date;
  to: Date;
  /** Omitted: every monitor of the tenant. */
  monitorIds?: readonly string[];
}

/**
 * The SQL of stateSecondsByMonitor: per monitor and state, the sum of the intervals clipped to [from, to)
 * (open intervals end at `to`) as an exact interval sum (integer microseconds), converted to seconds once
 * per group. Given monitors read only the covering index state_intervals_monitor_id_started_at_idx
 * (index-only scan, migration 20261125010100); the whole tenant is read by tenant_id.
 */
export function stateSecondsSql(opts: StateSecondsQuery): Prisma.Sql {
  const ids = opts.monitorIds ? [...opts.monitorIds] : null;
  return Prisma.sql`
    select monitor_id::text as monitor_id, state::text as state,
           extract(epoch from sum(least(coalesce(ended_at, ${opts.to}::timestamptz), ${opts.to}::timestamptz)
                                  - greatest(started_at, ${opts.from}::timestamptz)))::float8 as seconds
      from state_intervals
     where tenant_id = ${opts.tenantId}::uuid
       ${ids ? Prisma.sql`and monitor_id = any(${ids}::uuid[])` : Prisma.empty}
       and started_at < ${opts.to}::timestamptz
       and (ended_at is null or ended_at > ${opts.from}::timestamptz)
     group by monitor_id, state`;
}

function secondsByMonitor(rows: readonly { monitor_id: string; state: UptimeState; seconds: number }[]) {
  const out = new Map<string, SecondsByState>();
  for (const r of rows) {
    const s = out.get(r.monitor_id) ?? emptySeconds();
    s[r.state] += Math.max(0, r.seconds);
    out.set(r.monitor_id, s);
  }
  return out;
}

/**
 * Exact seconds per state per monitor in [from, to) from state_intervals (open intervals end at `to`),
 * summed in SQL: O(state changes), exact to the millisecond. Feed to domain/uptime for the percentage.
 */
export async function stateSecondsByMonitor(tx: Tx, opts: StateSecondsQuery): Promise<Map<string, SecondsByState>> {
  return secondsByMonitor(
    await tx.$queryRaw<{ monitor_id: string; state: UptimeState; seconds: number }[]>(stateSecondsSql(opts)),
  );
}

/**
 * stateSecondsByMonitor on the lean read path (@steward/db withTenantRead): one round trip, the tenant
 * set for row-level security in the same (read-only) transaction. Same SQL, same result.
 */
export async function readStateSecondsByMonitor(opts: StateSecondsQuery): Promise<Map<string, SecondsByState>> {
  return secondsByMonitor(
    await withTenantRead<{ monitor_id: string; state: UptimeState; seconds: number }>(
      opts.tenantId,
      stateSecondsSql(opts),
    ),
  );
}

export function uptimeOf(seconds: SecondsByState | undefined, from: Date, to: Date): UptimeBreakdown {
  return uptimeFromSeconds(seconds ?? emptySeconds(), (to.getTime() - from.getTime()) / 1000);
}

export const DAY_MS = 24 * 60 * 60 * 1000;
