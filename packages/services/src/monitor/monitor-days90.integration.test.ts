import { computeUptime, UPTIME_STATES, type UptimeState } from "@steward/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rollHourlyRollups } from "../rollup/roll-hourly-rollups.ts";
import { createMonitor, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { getMonitor } from "./get-monitor.ts";

// days90 (per tenant-zone day, exact) against an independent recomputation: zone-day bounds from
// Postgres (`date at time zone`), seconds from domain/uptime.ts over the seeded intervals. Some hours are
// rolled up (hourly rollups), the rest come from state_intervals: both sources must agree to the ms.
const H = 3_600_000;
let admin: pg.Pool;
let w: World;
type Span = { state: UptimeState; startedAt: Date; endedAt: Date | null };
const cases: { tenantId: string; monitorId: string; zone: string; spans: Span[] }[] = [];

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(tenantId: string, zone: string, seedN: number) {
  await admin.query("update organizations set timezone = $1 where id = $2", [zone, tenantId]);
  const m = await createMonitor(tenantId, { name: `days90-${zone}` });
  const r = rng(seedN);
  const now = Date.now();
  const spans: Span[] = [];
  let t = now - 6 * 24 * H + 7 * 60_000 + 123; // several zone days, mid-hour start
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
  cases.push({ tenantId, monitorId: m.id, zone, spans });
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  w = await createWorld();
  await seed(w.tenants.A.id, "Asia/Kolkata", 7); // +05:30: local midnights cut through rolled hours
  await seed(w.tenants.B.id, "America/New_York", 13); // the 90 days span the November DST change
  // Roll a middle stretch only: older hours and the tail stay raw.
  const nowH = Math.floor(Date.now() / H) * H;
  await rollHourlyRollups({ from: new Date(nowH - 4 * 24 * H), to: new Date(nowH - 3 * H) });
}, 60_000);

afterAll(async () => {
  await admin.end();
});

describe("getMonitor days90", () => {
  it.each([0, 1])("matches domain/uptime.ts per tenant-zone day (case %i)", async (k) => {
    const c = cases[k]!;
    const persona = k === 0 ? w.personas.clientAdminA : w.personas.clientAdminB;
    const ctx = await tenantContext(persona.user, c.tenantId);
    const rolled = await admin.query("select count(*)::int as n from monitor_rollups_hourly where monitor_id = $1", [
      c.monitorId,
    ]);
    expect(rolled.rows[0].n).toBeGreaterThan(24); // both sources are exercised
    const res = await getMonitor(ctx, { monitorId: c.monitorId });
    const now = res.window.now.getTime();
    const { rows } = await admin.query<{ date: string; f: Date; t: Date }>(
      `select d::date::text as date, (d::date::timestamp at time zone $1) as f,
              ((d::date + 1)::timestamp at time zone $1) as t
         from generate_series((now() at time zone $1)::date - 89, (now() at time zone $1)::date, '1 day') d
        order by d`,
      [c.zone],
    );
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
