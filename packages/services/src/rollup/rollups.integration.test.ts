import {
  computeUptime,
  exactPercentile,
  histogramOf,
  LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR,
  latencyBucketOf,
  latencyBucketRange,
  latencyPercentiles,
  secondsByState,
  summarizeLatencies,
  UPTIME_STATES,
  type UptimeState,
} from "@steward/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError } from "../errors.ts";
import { getMonitor } from "../monitor/get-monitor.ts";
import { getTenantOverview } from "../tenant/get-tenant-overview.ts";
import { createMonitor, createWorld, tenantContext, type World } from "../testing/factories.ts";
import { withTenant } from "../with-tenant.ts";
import { advanceRollups } from "./advance-rollups.ts";
import { dropExpiredProbePartitions } from "./drop-expired-probe-partitions.ts";
import { getLatencyPercentiles } from "./get-latency-percentiles.ts";
import { getUptimeFromRollups } from "./get-uptime-from-rollups.ts";
import { rollDailyRollups } from "./roll-daily-rollups.ts";
import { rollHourlyRollups } from "./roll-hourly-rollups.ts";
import { type RollupLatencyPoint, rollupLatencySeries } from "./rollup-reads.ts";

// Real Postgres (this file's own database). Fixtures are written as the admin role; rollups run on the
// system pool like in the worker; reads go through the services as steward_app under RLS.
const H = 3_600_000;
const DAY = 24 * H;
const DAYS = 3;

let admin: pg.Pool;
let w: World;
let D0: number; // a UTC midnight 45 days ago: its partitions are past the 30-day retention
let monitors: string[];
let other: string; // tenant B
const NOW = new Date();

type Span = { state: UptimeState; startedAt: Date; endedAt: Date | null };
type Raw = { monitorId: string; scheduledAt: number; state: string; latencyMs: number | null };
const spans = new Map<string, Span[]>();
const raws: Raw[] = [];

// Deterministic PRNG (mulberry32).
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const partName = (t: number) => `probe_results_p${new Date(t).toISOString().slice(0, 10).replaceAll("-", "")}`;

async function insertFixtures(tenantId: string, monitorId: string, seed: number, opts: { openEnd: boolean }) {
  const r = rng(seed);
  // Intervals: from D0 + 13 min 7.123 s, random lengths 40 s … 5 h (mid-hour changes), every state.
  const list: Span[] = [];
  let t = D0 + 13 * 60_000 + 7_123;
  const end = D0 + DAYS * DAY;
  let prev: UptimeState | null = null;
  while (t < end) {
    const len = Math.floor(40_000 + r() ** 3 * 5 * H);
    let state: UptimeState = UPTIME_STATES[Math.floor(r() * UPTIME_STATES.length)]!;
    if (state === prev) state = UPTIME_STATES[(UPTIME_STATES.indexOf(state) + 1) % UPTIME_STATES.length]!;
    const e = Math.min(t + len, end);
    list.push({ state, startedAt: new Date(t), endedAt: new Date(e) });
    prev = state;
    t = e;
  }
  if (opts.openEnd) list[list.length - 1]!.endedAt = null;
  spans.set(monitorId, list);
  await admin.query(
    `INSERT INTO state_intervals (tenant_id, monitor_id, state, started_at, ended_at)
     SELECT $1, $2, s, a, b FROM UNNEST($3::"MonitorState"[], $4::timestamptz[], $5::timestamptz[]) AS u(s, a, b)`,
    [tenantId, monitorId, list.map((s) => s.state), list.map((s) => s.startedAt), list.map((s) => s.endedAt)],
  );
  // Results every 60 s (offset per monitor), heavy-tailed latencies, DOWN without latency.
  const rows: Raw[] = [];
  for (let s = D0 + (seed % 60) * 1000; s < end; s += 60_000) {
    const x = r();
    const state = x < 0.08 ? "DOWN" : x < 0.1 ? "UNKNOWN" : x < 0.2 ? "DEGRADED" : "UP";
    const latencyMs = state === "DOWN" || state === "UNKNOWN" ? null : Math.floor(Math.exp(r() * 11.2));
    rows.push({ monitorId, scheduledAt: s, state, latencyMs });
  }
  raws.push(...rows);
  await admin.query(
    `INSERT INTO probe_results (monitor_id, scheduled_at, tenant_id, checked_at, state, latency_ms)
     SELECT $1, a, $2, a, s, l FROM UNNEST($3::timestamptz[], $4::"MonitorState"[], $5::int[]) AS u(a, s, l)`,
    [
      monitorId,
      tenantId,
      rows.map((x) => new Date(x.scheduledAt)),
      rows.map((x) => x.state),
      rows.map((x) => x.latencyMs),
    ],
  );
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  w = await createWorld();
  D0 = Math.floor(NOW.getTime() / DAY) * DAY - 45 * DAY;
  // Real daily partitions for the fixture days (steward_ensure_probe_partitions only makes recent ones).
  for (let d = D0 - DAY; d <= D0 + DAYS * DAY; d += DAY) {
    const lo = new Date(d).toISOString();
    const hi = new Date(d + DAY).toISOString();
    await admin.query(`CREATE TABLE ${partName(d)} PARTITION OF probe_results FOR VALUES FROM ('${lo}') TO ('${hi}')`);
    await admin.query(`SELECT steward_enable_tenant_rls('public.${partName(d)}')`);
  }
  monitors = [];
  for (let i = 0; i < 3; i++) {
    const m = await createMonitor(w.tenants.A.id, { name: `rollup-${i}` });
    monitors.push(m.id);
    await insertFixtures(w.tenants.A.id, m.id, 11 + i * 7, { openEnd: i === 2 });
  }
  other = (await createMonitor(w.tenants.B.id, { name: "rollup-b" })).id;
  await insertFixtures(w.tenants.B.id, other, 5, { openEnd: false });
}, 60_000);

afterAll(async () => {
  await admin.end();
});

const msByState = (iv: Span[], from: number, to: number) => {
  const s = secondsByState(iv, { from, to }, NOW);
  return Object.fromEntries(UPTIME_STATES.map((k) => [k, Math.round(s[k] * 1000)])) as Record<UptimeState, number>;
};

type RollupRow = {
  monitor_id: string;
  bucket_start: Date;
  up_ms: number;
  degraded_ms: number;
  down_ms: number;
  unknown_ms: number;
  maintenance_ms: number;
  probes_ok: number;
  probes_fail: number;
  probes_unknown: number;
  latency_hist: number[];
  latency_count: number;
  latency_sum: string;
  latency_min: number | null;
  latency_max: number | null;
};

async function rollupRows(table: "monitor_rollups_hourly" | "monitor_rollups_daily") {
  const { rows } = await admin.query<RollupRow>(
    `SELECT monitor_id, bucket_start, up_ms, degraded_ms, down_ms, unknown_ms, maintenance_ms, probes_ok, probes_fail,
            probes_unknown, latency_hist, latency_count, latency_sum, latency_min, latency_max
       FROM ${table} WHERE bucket_start >= $1 AND bucket_start < $2 ORDER BY monitor_id, bucket_start`,
    [new Date(D0), new Date(D0 + DAYS * DAY)],
  );
  return rows;
}

/** The brute-force expectation for one monitor and bucket [from, to), or null when it has no data. */
function expected(monitorId: string, from: number, to: number) {
  const ms = msByState(spans.get(monitorId)!, from, to);
  const rs = raws.filter((x) => x.monitorId === monitorId && x.scheduledAt >= from && x.scheduledAt < to);
  const lat = rs.flatMap((x) => (x.latencyMs === null ? [] : [x.latencyMs]));
  const s = summarizeLatencies(lat);
  if (rs.length === 0 && Object.values(ms).every((v) => v === 0)) return null;
  return {
    up_ms: ms.UP,
    degraded_ms: ms.DEGRADED,
    down_ms: ms.DOWN,
    unknown_ms: ms.UNKNOWN,
    maintenance_ms: ms.MAINTENANCE,
    probes_ok: rs.filter((x) => x.state === "UP" || x.state === "DEGRADED").length,
    probes_fail: rs.filter((x) => x.state === "DOWN").length,
    probes_unknown: rs.filter((x) => x.state === "UNKNOWN").length,
    latency_hist: histogramOf(lat),
    latency_count: s.count,
    latency_sum: String(s.sum),
    latency_min: s.min,
    latency_max: s.max,
  };
}

function checkAgainstBruteForce(rows: RollupRow[], step: number) {
  const byKey = new Map(rows.map((r) => [`${r.monitor_id}|${r.bucket_start.getTime()}`, r]));
  let compared = 0;
  for (const m of [...monitors, other]) {
    for (let t = D0; t < D0 + DAYS * DAY; t += step) {
      const exp = expected(m, t, t + step);
      const row = byKey.get(`${m}|${t}`);
      if (exp === null) {
        expect(row).toBeUndefined();
        continue;
      }
      const { monitor_id: _m, bucket_start: _b, ...got } = row!;
      expect(got, `${m} @ ${new Date(t).toISOString()}`).toEqual(exp);
      compared++;
    }
  }
  return compared;
}

let seriesFromRaw: Map<string, RollupLatencyPoint[]>;
async function series() {
  const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
  return withTenant(ctx, (tx) =>
    rollupLatencySeries(tx, {
      tenantId: w.tenants.A.id,
      from: new Date(D0 + DAY - 3 * H + 1234),
      to: new Date(D0 + 2 * DAY + 2 * H),
      monitorIds: monitors,
    }),
  );
}

describe("rollups (real Postgres)", () => {
  it("hourly latency series before any rollup (raw) equal the brute force per hour", async () => {
    seriesFromRaw = await series();
    for (const m of monitors) {
      const points = seriesFromRaw.get(m)!;
      expect(points).toHaveLength(24 + 5);
      for (const p of points) {
        const t = p.t.getTime();
        const lat = raws
          .filter((x) => x.monitorId === m && x.scheduledAt >= t && x.scheduledAt < t + H && x.latencyMs !== null)
          .map((x) => x.latencyMs!);
        const s = latencyPercentiles(summarizeLatencies(lat));
        expect(p).toEqual({ t: p.t, avg: Math.round(s.avg! * 10) / 10, max: s.max, p50: s.p50, count: s.count });
      }
    }
  });

  it("hourly and daily rows equal a brute-force recomputation from state intervals and raw rows; re-running changes nothing", async () => {
    const h = await rollHourlyRollups({ from: new Date(D0), to: new Date(D0 + DAYS * DAY), now: NOW });
    expect(h.statements).toBe((DAYS * 24) / 6); // one statement per 6-hour batch, all monitors at once
    expect(h.coverage).toEqual({ from: new Date(D0), until: new Date(D0 + DAYS * DAY) });
    const d = await rollDailyRollups({ from: new Date(D0), to: new Date(D0 + DAYS * DAY), now: NOW });
    expect(d.statements).toBe(DAYS);
    expect(d.coverage).toEqual({ from: new Date(D0), until: new Date(D0 + DAYS * DAY) });

    const hourly = await rollupRows("monitor_rollups_hourly");
    const daily = await rollupRows("monitor_rollups_daily");
    expect(checkAgainstBruteForce(hourly, H)).toBe(4 * DAYS * 24);
    expect(checkAgainstBruteForce(daily, DAY)).toBe(4 * DAYS);
    // Mid-hour changes, maintenance and unknown are all in there.
    expect(hourly.some((r) => r.maintenance_ms > 0 && r.up_ms > 0)).toBe(true);
    expect(hourly.some((r) => r.unknown_ms > 0 && r.down_ms > 0)).toBe(true);

    // Idempotent: same rows after rolling again, nothing deleted.
    const h2 = await rollHourlyRollups({ from: new Date(D0), to: new Date(D0 + DAYS * DAY), now: NOW });
    const d2 = await rollDailyRollups({ from: new Date(D0), to: new Date(D0 + DAYS * DAY), now: NOW });
    expect([h2.upserted, h2.deleted, d2.upserted, d2.deleted]).toEqual([h.upserted, 0, d.upserted, 0]);
    expect(await rollupRows("monitor_rollups_hourly")).toEqual(hourly);
    expect(await rollupRows("monitor_rollups_daily")).toEqual(daily);
  });

  it("uptime over any window equals the exact recomputation (rollups + raw edges)", async () => {
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const windows = [
      [D0 + 37 * 60_000 + 123, D0 + 2 * DAY + 5 * H + 11 * 60_000], // raw edges + hours + a whole day
      [D0, D0 + DAYS * DAY], // whole days
      [D0 + 5 * H + 1, D0 + 5 * H + 1800_000], // inside one hour: raw only
      [D0 + 2 * DAY + 3 * H, NOW.getTime()], // past the coverage up to now (open interval)
    ] as const;
    for (const [from, to] of windows) {
      const got = await getUptimeFromRollups(ctx, { monitorIds: monitors, from: new Date(from), to: new Date(to) });
      for (const m of monitors) {
        const exp = computeUptime(spans.get(m)!, { from, to: Math.min(to, NOW.getTime()) }, NOW);
        const g = got.get(m)!;
        for (const s of UPTIME_STATES) expect(g.seconds[s], `${m} ${s}`).toBeCloseTo(exp.seconds[s], 6);
        if (exp.uptimePercent === null) expect(g.uptimePercent).toBeNull();
        else expect(Math.abs(g.uptimePercent! - exp.uptimePercent)).toBeLessThan(0.001);
      }
    }
    await expect(
      getUptimeFromRollups(ctx, { monitorIds: [other], from: new Date(D0), to: new Date(D0 + DAY) }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const all = await getUptimeFromRollups(ctx, { from: new Date(D0), to: new Date(D0 + DAY) });
    expect(all.has(other)).toBe(false);
  });

  it("percentiles equal the histogram of the raw rows exactly, and the raw percentile within one bucket", async () => {
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const from = D0 + 37 * 60_000 + 123;
    const to = D0 + 2 * DAY + 5 * H + 11 * 60_000;
    for (const m of monitors) {
      const lat = raws
        .filter((x) => x.monitorId === m && x.scheduledAt >= from && x.scheduledAt < to && x.latencyMs !== null)
        .map((x) => x.latencyMs!);
      const got = await getLatencyPercentiles(ctx, { monitorId: m, from: new Date(from), to: new Date(to) });
      const fromHist = latencyPercentiles(summarizeLatencies(lat));
      expect(got.count).toBe(lat.length);
      expect({ ...got, avg: null }).toEqual({ ...fromHist, avg: null });
      expect(got.avg!).toBeCloseTo(fromHist.avg!, 9);
      for (const [p, est] of [
        [50, got.p50],
        [95, got.p95],
        [99, got.p99],
      ] as const) {
        const exact = exactPercentile(lat, p)!;
        const { lo, hi } = latencyBucketRange(latencyBucketOf(exact));
        expect(est!).toBeGreaterThanOrEqual(lo);
        expect(est!).toBeLessThanOrEqual(Number.isFinite(hi) ? hi : got.max!);
        if (Number.isFinite(hi)) {
          expect(Math.abs(est! - exact) / exact).toBeLessThanOrEqual(LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
        }
      }
    }
    // The hourly series read from rollups now: identical to the raw one.
    expect(await series()).toEqual(seriesFromRaw);

    const foreign = await tenantContext(w.personas.clientAdminB.user, w.tenants.B.id);
    await expect(
      getLatencyPercentiles(foreign, { monitorId: monitors[0]!, from: new Date(from), to: new Date(to) }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("retention drops whole old partitions (no DELETE); whole-day answers still come from rollups", async () => {
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const window = { monitorId: monitors[0]!, from: new Date(D0 + DAY), to: new Date(D0 + 2 * DAY) };
    const before = await getLatencyPercentiles(ctx, window);
    expect(before.count).toBeGreaterThan(1000);

    const deletesBefore = await admin.query<{ n: string }>(
      `SELECT coalesce(sum(n_tup_del), 0)::text AS n FROM pg_stat_user_tables WHERE relname LIKE 'probe_results_p%'`,
    );
    const r = await dropExpiredProbePartitions(30, NOW);
    expect(r.dropped).toBeGreaterThanOrEqual(DAYS + 2);
    for (let d = D0 - DAY; d <= D0 + DAYS * DAY; d += DAY) {
      const { rows } = await admin.query(`SELECT to_regclass($1) AS t`, [`public.${partName(d)}`]);
      expect(rows[0]!.t).toBeNull();
    }
    const { rows: left } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM probe_results WHERE scheduled_at < $1`,
      [new Date(D0 + DAYS * DAY)],
    );
    expect(left[0]!.n).toBe(0);
    // Recent partitions are untouched.
    const today = Math.floor(NOW.getTime() / DAY) * DAY;
    const { rows: recent } = await admin.query(`SELECT to_regclass($1) AS t`, [`public.${partName(today)}`]);
    expect(recent[0]!.t).not.toBeNull();
    const deletesAfter = await admin.query<{ n: string }>(
      `SELECT coalesce(sum(n_tup_del), 0)::text AS n FROM pg_stat_user_tables WHERE relname LIKE 'probe_results_p%'`,
    );
    expect(deletesAfter.rows[0]!.n).toBe(deletesBefore.rows[0]!.n);

    // Raw rows are gone; the whole-day window is answered from the daily rollup, unchanged.
    expect(await getLatencyPercentiles(ctx, window)).toEqual(before);
  });

  it("advanceRollups catches up to the settled hour and the last whole day, idempotently", async () => {
    const snapshot = await rollupRows("monitor_rollups_hourly");
    const a = await advanceRollups({ now: NOW, maxHoursPerRun: 60 * 24, maxDaysPerRun: 60 });
    const settled = Math.floor((NOW.getTime() - 120_000) / H) * H;
    expect(a.hourly.coverage).toEqual({ from: new Date(D0), until: new Date(settled) });
    expect(a.daily?.coverage).toEqual({ from: new Date(D0), until: new Date(Math.floor(settled / DAY) * DAY) });
    const b = await advanceRollups({ now: NOW, maxHoursPerRun: 60 * 24, maxDaysPerRun: 60 });
    expect(b.hourly.coverage).toEqual(a.hourly.coverage);
    expect(b.hourly.statements).toBe(0); // each hour is rolled once, when it settles
    expect(b.daily?.statements ?? 0).toBe(0);
    // The fixture days were not re-rolled differently (raw rows are gone now, rollups stay).
    expect(await rollupRows("monitor_rollups_hourly")).toEqual(snapshot);

    // 45 days up to now: daily + hourly rollups + the open current hour from state_intervals, still exact.
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const from = D0 + 17 * 60_000;
    const got = await getUptimeFromRollups(ctx, { monitorIds: monitors, from: new Date(from), to: NOW });
    for (const m of monitors) {
      const exp = computeUptime(spans.get(m)!, { from, to: NOW }, NOW);
      for (const s of UPTIME_STATES) expect(got.get(m)!.seconds[s], `${m} ${s}`).toBeCloseTo(exp.seconds[s], 6);
    }

    // monitor.get and tenant.overview read their 30 days through the rollups too: the open interval of
    // monitor 2 spans the whole window, so exactly 30 days in its state.
    const open = spans.get(monitors[2]!)!.at(-1)!;
    const detail = await getMonitor(ctx, { monitorId: monitors[2]! });
    expect(detail.uptime.d30.seconds[open.state]).toBeCloseTo(30 * 86_400, 6);
    expect(detail.uptime.d30.coveredSeconds).toBeCloseTo(30 * 86_400, 6);
    const overview = await getTenantOverview(ctx);
    const row = overview.monitors.find((x) => x.id === monitors[2])!;
    const expected = open.state === "UP" || open.state === "DEGRADED" ? 100 : open.state === "DOWN" ? 0 : null;
    expect(row.uptime30d).toBe(expected);
  });
});
