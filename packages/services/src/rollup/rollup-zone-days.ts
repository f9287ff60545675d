import { tzOffset } from "@date-fns/tz";
import type { Tx } from "@steward/db";
import { emptySeconds, type SecondsByState, uptimeFromSeconds } from "@steward/domain";
import { ceilTo, floorTo, HOUR_MS, type Range, twoRanges } from "./rollup-plan.ts";
import { readRollupPlan } from "./rollup-reads.ts";

/** One formatter per zone (building an Intl.DateTimeFormat costs far more than formatting with it). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Local calendar date (YYYY-MM-DD) of `t` in `timeZone`. */
export function zoneDate(t: number, timeZone: string): string {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    if (dateFormats.size >= 1000) dateFormats.clear();
    dateFormats.set(timeZone, f);
  }
  return f.format(t);
}

const HOUR = 3_600_000;

/** Offset (ms) of `timeZone` from UTC at instant `t` (local wall clock − UTC), from @date-fns/tz. */
function zoneOffset(t: number, timeZone: string): number {
  return Math.round(tzOffset(timeZone, new Date(t)) * 60_000);
}

/**
 * The instant `date` (YYYY-MM-DD) begins in `timeZone`: the first instant whose local date is `date`.
 * Usually local 00:00 (the earlier one where a change repeats midnight); where a DST change skips midnight
 * (America/Santiago 2026-09-06, America/Havana 2026-03-08: 00:00 → 01:00) it is the change itself, local
 * 01:00. Offsets come from @date-fns/tz (Intl's zone data); the property test (rollup-zone-days.test.ts)
 * checks every IANA zone over two years of days. Two offset reads per day where nothing changes nearby.
 */
export function zoneMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  // Local midnight is within ±14 h of `wall`: these two offsets are the zone's on either side of it.
  const before = zoneOffset(wall - 36 * HOUR, timeZone);
  const after = zoneOffset(wall + 36 * HOUR, timeZone);
  if (before === after) return wall - before;
  // A change nearby: midnight read with either offset, earliest first; the first that is real wins.
  for (const offset of before > after ? [before, after] : [after, before]) {
    if (zoneOffset(wall - offset, timeZone) === offset) return wall - offset;
  }
  // Midnight was skipped: the day begins at the change, between the two readings.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffset(mid, timeZone) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The last `days` local dates in `timeZone` ending with today (oldest first), with their [from, to) bounds (to ≤ now). */
export function lastZoneDays(
  days: number,
  timeZone: string,
  now: number,
): { date: string; from: number; to: number }[] {
  const today = zoneDate(now, timeZone);
  const [y, m, d] = today.split("-").map(Number) as [number, number, number];
  const out: { date: string; from: number; to: number }[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const date = new Date(Date.UTC(y, m - 1, d - i)).toISOString().slice(0, 10);
    const next = new Date(Date.UTC(y, m - 1, d - i + 1)).toISOString().slice(0, 10);
    out.push({ date, from: zoneMidnight(date, timeZone), to: Math.min(zoneMidnight(next, timeZone), now) });
  }
  return out;
}

export interface ZoneDaySeconds {
  /** Local date in the tenant's zone, YYYY-MM-DD. */
  date: string;
  /** Seconds in state UP (DEGRADED is separate; both count as up in uptimePct). */
  upSeconds: number;
  degradedSeconds: number;
  downSeconds: number;
  unknownSeconds: number;
  maintenanceSeconds: number;
  /** 100 × (up + degraded) / (up + degraded + down) (domain/uptime.ts policy); null without up/down data. */
  uptimePct: number | null;
}

/**
 * Exact seconds per state for one monitor per local day of `timeZone` over the last `days` days (oldest
 * first; today ends at `now`). Two queries (watermarks + one grouped read): covered UTC hours from
 * monitor_rollups_hourly (whole and daily-covered ranges both read as hours, each hour assigned to the
 * local day containing it), and state_intervals for the uncovered edges (rollup-plan raw ranges) and for
 * any hour a local midnight cuts through (30/45-minute offsets), clipped to each day — exact either way.
 */
export async function rollupZoneDaySeconds(
  tx: Tx,
  w: { tenantId: string; monitorId: string; timeZone: string; days: number; now: Date },
): Promise<{ days: ZoneDaySeconds[]; total: SecondsByState; from: Date }> {
  const now = w.now.getTime();
  const days = lastZoneDays(w.days, w.timeZone, now);
  const first = days[0];
  if (!first) return { days: [], total: emptySeconds(), from: w.now };
  const { plan } = await readRollupPlan(tx, {
    tenantId: w.tenantId,
    from: new Date(first.from),
    to: w.now,
    now: w.now,
  });
  const covered = [...plan.hourly, ...plan.daily].sort((a, b) => a.from.getTime() - b.from.getTime());
  const merged: Range[] = [];
  for (const r of covered) {
    const last = merged.at(-1);
    if (last && last.to.getTime() === r.from.getTime()) last.to = r.to;
    else merged.push({ ...r });
  }
  const [h1, h2] = twoRanges(merged);
  // Raw: the plan's uncovered edges plus every covered hour a local midnight cuts through.
  const raw: Range[] = [...plan.raw];
  for (const d of days.slice(1)) {
    const b = d.from;
    if (b % HOUR_MS === 0) continue;
    if (merged.some((r) => r.from.getTime() <= b && b < r.to.getTime())) {
      raw.push({ from: new Date(floorTo(b, HOUR_MS)), to: new Date(ceilTo(b, HOUR_MS)) });
    }
  }
  const dayFrom = days.map((d) => new Date(d.from));
  const dayTo = days.map((d) => new Date(d.to));
  const rawFrom = raw.map((r) => r.from);
  const rawTo = raw.map((r) => r.to);
  const rows = await tx.$queryRaw<
    { i: number; up: number; degraded: number; down: number; unknown: number; maintenance: number }[]
  >`
    with d as (select (o - 1)::int as i, f, t from unnest(${dayFrom}::timestamptz[], ${dayTo}::timestamptz[]) with ordinality as u(f, t, o))
    select x.i, sum(up)::float8 as up, sum(degraded)::float8 as degraded, sum(down)::float8 as down,
           sum(unknown)::float8 as unknown, sum(maintenance)::float8 as maintenance
      from (
        select d.i, h.up_ms::bigint as up, h.degraded_ms::bigint as degraded, h.down_ms::bigint as down,
               h.unknown_ms::bigint as unknown, h.maintenance_ms::bigint as maintenance
          from monitor_rollups_hourly h
          join d on h.bucket_start >= d.f and h.bucket_start + interval '1 hour' <= d.t
         where h.tenant_id = ${w.tenantId}::uuid and h.monitor_id = ${w.monitorId}::uuid
           and ((h.bucket_start >= ${h1.from}::timestamptz and h.bucket_start < ${h1.to}::timestamptz)
             or (h.bucket_start >= ${h2.from}::timestamptz and h.bucket_start < ${h2.to}::timestamptz))
        union all
        select d.i,
               case when si.state = 'UP' then p.ms else 0 end,
               case when si.state = 'DEGRADED' then p.ms else 0 end,
               case when si.state = 'DOWN' then p.ms else 0 end,
               case when si.state = 'UNKNOWN' then p.ms else 0 end,
               case when si.state = 'MAINTENANCE' then p.ms else 0 end
          from state_intervals si
          join unnest(${rawFrom}::timestamptz[], ${rawTo}::timestamptz[]) as r(f, t)
            on si.started_at < r.t and (si.ended_at is null or si.ended_at > r.f) and r.t > r.f
          join d on d.f < r.t and d.t > r.f
          cross join lateral (
            select round(extract(epoch from (least(coalesce(si.ended_at, ${w.now}::timestamptz), ${w.now}::timestamptz, r.t, d.t)
                                             - greatest(si.started_at, r.f, d.f))) * 1000)::bigint as ms) p
         where si.tenant_id = ${w.tenantId}::uuid and si.monitor_id = ${w.monitorId}::uuid
           and p.ms > 0
      ) x
     group by 1`;
  const byDay = new Map(rows.map((r) => [Number(r.i), r]));
  const total = emptySeconds();
  const out = days.map((d, i) => {
    const r = byDay.get(i);
    const s = emptySeconds();
    if (r) {
      s.UP = r.up / 1000;
      s.DEGRADED = r.degraded / 1000;
      s.DOWN = r.down / 1000;
      s.UNKNOWN = r.unknown / 1000;
      s.MAINTENANCE = r.maintenance / 1000;
    }
    for (const k of Object.keys(s) as (keyof SecondsByState)[]) total[k] += s[k];
    return {
      date: d.date,
      upSeconds: s.UP,
      degradedSeconds: s.DEGRADED,
      downSeconds: s.DOWN,
      unknownSeconds: s.UNKNOWN,
      maintenanceSeconds: s.MAINTENANCE,
      uptimePct: uptimeFromSeconds(s, (d.to - d.from) / 1000).uptimePercent,
    };
  });
  return { days: out, total, from: new Date(first.from) };
}
