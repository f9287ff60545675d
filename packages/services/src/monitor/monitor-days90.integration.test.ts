import { computeUptime, UPTIME_STATES, type UptimeState } from "@steward/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollHourlyRollups } from "../rollup/roll-hourly-rollups.ts";
import { createMonitor, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { getMonitor } from "./get-monitor.ts";

// days90 (per tenant-zone day, exact) against an independent recomputation: zone-day bounds by bisection
// on Intl's local date (the first millisecond of each date), seconds from domain/uptime.ts over the seeded
// intervals. Some hours are rolled up (hourly rollups), the rest come from state_intervals: both sources
// must agree to the ms. The clock is pinned (NOW), so the window holds the same DST changes whatever
// today is: America/Santiago skips midnight on 2026-09-06 (the day starts at 01:00, 23 h long), Havana
// repeats its midnight hour and New York its 01:00 hour on 2026-11-01 (25 h), Kolkata is +05:30.
// (Postgres' `date::timestamp at time zone` is no oracle here: it reads Havana's repeated 00:00 as the
// second one.)
const H = 3_600_000;
const NOW = new Date("2026-11-03T15:07:00.123Z");
let admin: pg.Pool;
let worlds: World[];
type Span = { state: UptimeState; startedAt: Date; endedAt: Date | null };
const cases: {
  tenantId: string;
  monitorId: string;
  zone: string;
  spans: Span[];
  persona: World["personas"]["clientAdminA"];
}[] = [];

/** The first instant whose local date in `zone` is `date` (bisection; local dates only move forward). */
function dayStart(date: string, zone: string): number {
  const f = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
  let lo = Date.parse(`${date}T00:00:00Z`) - 16 * H; // still the day before everywhere
  let hi = lo + 32 * H; // already `date` (or later) everywhere
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (f.format(mid) >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(
  tenantId: string,
  persona: World["personas"]["clientAdminA"],
  zone: string,
  seedN: number,
  days: number,
) {
  await admin.query("update organizations set timezone = $1 where id = $2", [zone, tenantId]);
  const m = await createMonitor(tenantId, { name: `days90-${zone}` });
  const r = rng(seedN);
  const now = NOW.getTime();
  const spans: Span[] = [];
  let t = now - days * 24 * H + 7 * 60_000 + 123; // several zone days, mid-hour start
  let prev: UptimeState | null = null;
  while (t < now - 10 * 60_000) {
    const len = Math.floor(30_000 + r() ** 3 * 6 * H);
    let state = UPTIME_STATES[Math.floor(r() * UPTIME_STATES.length)]!;
    if (state === prev) state = UPTIME_STATES[(UPTIME_STATES.indexOf(state) + 1) % UPTIME_STATES.length]!;
    const e = Math.min(t + len, now - 10 * 60_000);
    spans.push({ state, startedAt: new Date(t), endedAt: new Date(e) });
    prev = state;
    t = e + (r() < 0.1 ? Math.floor(r() * 2 * H) : 0); // occasional gap: no data
  }
  spans.push({ state: "UP", startedAt: new Date(Math.max(t, now - 10 * 60_000)), endedAt: null });
  await admin.query(
    `INSERT INTO state_intervals (tenant_id, monitor_id, state, started_at, ended_at)
     SELECT $1, $2, s, a, b FROM UNNEST($3::"MonitorState"[], $4::timestamptz[], $5::timestamptz[]) AS u(s, a, b)`,
    [tenantId, m.id, spans.map((s) => s.state), spans.map((s) => s.startedAt), spans.map((s) => s.endedAt)],
  );
  cases.push({ tenantId, monitorId: m.id, zone, spans, persona });
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  worlds = [await createWorld(), await createWorld()];
  const [w1, w2] = worlds as [World, World];
  await seed(w1.tenants.A.id, w1.personas.clientAdminA, "Asia/Kolkata", 7, 6); // local midnights cut rolled hours
  await seed(w1.tenants.B.id, w1.personas.clientAdminB, "America/New_York", 13, 6); // 2026-11-01: 25 h
  await seed(w2.tenants.A.id, w2.personas.clientAdminA, "America/Santiago", 17, 62); // 2026-09-06 starts 01:00
  await seed(w2.tenants.B.id, w2.personas.clientAdminB, "America/Havana", 19, 6); // 2026-11-01: 00:00 twice
  // Roll a middle stretch only (over both DST changes): older hours and the tail stay raw.
  const nowH = Math.floor(NOW.getTime() / H) * H;
  await rollHourlyRollups({ from: new Date(nowH - 60 * 24 * H), to: new Date(nowH - 3 * H), now: NOW, batchHours: 48 });
}, 120_000);

afterAll(async () => {
  await admin.end();
});

describe("getMonitor days90", () => {
  it.each([0, 1, 2, 3])("matches domain/uptime.ts per tenant-zone day (case %i)", async (k) => {
    const c = cases[k]!;
    const ctx = await tenantContext(c.persona.user, c.tenantId);
    const rolled = await admin.query("select count(*)::int as n from monitor_rollups_hourly where monitor_id = $1", [
      c.monitorId,
    ]);
    expect(rolled.rows[0].n).toBeGreaterThan(24); // both sources are exercised
    const res = await getMonitor(ctx, { monitorId: c.monitorId }, { now: NOW });
    const now = res.window.now.getTime();
    expect(now).toBe(NOW.getTime());
    const today = Date.parse(`${new Intl.DateTimeFormat("en-CA", { timeZone: c.zone }).format(now)}T00:00:00Z`);
    const rows = Array.from({ length: 90 }, (_, i) => {
      const date = new Date(today - (89 - i) * 24 * H).toISOString().slice(0, 10);
      const next = new Date(today - (88 - i) * 24 * H).toISOString().slice(0, 10);
      return { date, f: new Date(dayStart(date, c.zone)), t: new Date(dayStart(next, c.zone)) };
    });
    // The window holds the zone's DST day (the point of pinning the clock).
    const dst: Record<string, [string, number]> = {
      "America/Santiago": ["2026-09-06", 23],
      "America/Havana": ["2026-11-01", 25],
      "America/New_York": ["2026-11-01", 25],
    };
    const [dstDate, dstHours] = dst[c.zone] ?? [];
    if (dstDate) {
      const day = rows.find((d) => d.date === dstDate)!;
      expect((day.t.getTime() - day.f.getTime()) / H).toBe(dstHours);
      expect(c.spans[0]!.startedAt.getTime()).toBeLessThan(day.f.getTime()); // seeded data covers it
    }
    expect(res.days90).toHaveLength(90);
    const ms = (s: number) => Math.round(s * 1000);
    const expected = rows.map((d) => {
      const u = computeUptime(c.spans, { from: d.f, to: Math.min(d.t.getTime(), now) }, now);
      return {
        date: d.date,
        up: ms(u.seconds.UP),
        degraded: ms(u.seconds.DEGRADED),
        down: ms(u.seconds.DOWN),
        unknown: ms(u.seconds.UNKNOWN),
        maintenance: ms(u.seconds.MAINTENANCE),
        pct: u.uptimePercent,
      };
    });
    const actual = res.days90.map((d) => ({
      date: d.date,
      up: ms(d.upSeconds),
      degraded: ms(d.degradedSeconds),
      down: ms(d.downSeconds),
      unknown: ms(d.unknownSeconds),
      maintenance: ms(d.maintenanceSeconds),
      pct: d.uptimePct,
    }));
    expect(actual.map(({ pct, ...rest }) => rest)).toEqual(expected.map(({ pct, ...rest }) => rest));
    for (let i = 0; i < 90; i++) {
      const [a, e] = [actual[i]!.pct, expected[i]!.pct];
      if (e === null) expect(a).toBeNull();
      else expect(a).toBeCloseTo(e, 9);
    }
    expect(expected.filter((d) => d.pct !== null).length).toBeGreaterThanOrEqual(6);
    const overall = computeUptime(c.spans, { from: rows[0]!.f, to: now }, now);
    expect(res.uptime.d90.uptimePercent).toBeCloseTo(overall.uptimePercent!, 9);
  });
});
