// B7: uptime/SLA queries over 10k monitors × 365 days of state intervals, through the path the pages run:
// withTenant (a Prisma interactive transaction on steward_app, tenant set for RLS) → rollupStateSeconds
// (services/rollup/rollup-reads.ts: the monitor detail's 30-day uptime, the tenant overview's per-monitor
// 30-day uptime; here also over 90 and 365 days) → uptimeOf, and rollupZoneDaySeconds (the detail page's
// 90 tenant-zone days). The bench builds no rollups (10k monitors × 400 days would be 96 M hourly rows), so
// every window is planned as raw state_intervals — O(state changes), the same exact maths the page runs
// before the roller has covered a window. The lean read path (withTenantRead → readStateSecondsByMonitor,
// ADR 0008), which no page uses, is measured alongside for reference.
// Targets: one monitor 30/90/365 d p95 <= 2 ms; a 1,000-monitor tenant p95 <= 150 ms; equal to a raw
// recomputation within 0.001 pp. Ceiling: a trivial indexed query's p95 through the same withTenant path.
import os from "node:os";
import { envNumber, log, report, round, setupDatabase, summarize } from "./lib/harness.ts";

const MONITORS = envNumber("BENCH_MONITORS", 10_000);
const PER_TENANT = 1_000;
const SINGLE_SAMPLES = envNumber("BENCH_SAMPLES", 300);
const TENANT_SAMPLES = envNumber("BENCH_TENANT_SAMPLES", 25);
const DAY = 86_400_000;
const WINDOWS = [30, 90, 365] as const;

const db = await setupDatabase("B7");
try {
  const admin = await db.admin();
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const start = new Date(now.getTime() - 400 * DAY); // history a bit longer than the widest window

  // --- Data: tenants of 1,000 monitors; per monitor a realistic number of outages per year:
  //     70 % stable (0–24 incidents), 25 % flaky (50–150), 5 % flapping (500–1,500); each outage lasts
  //     1 min – 2 h and is DOWN (75 %), DEGRADED (20 %) or UNKNOWN (5 %); UP in between; last one open.
  let t0 = performance.now();
  const tenants = Math.ceil(MONITORS / PER_TENANT);
  await admin.query(
    `insert into organizations (id, kind, name, slug)
     select gen_random_uuid(), 'CLIENT', 'Bench ' || g, 'bench-' || g from generate_series(1, $1) g`,
    [tenants],
  );
  await admin.query(
    `insert into monitors (tenant_id, name, kind, config, interval_seconds, state)
     select o.id, 'm' || g, 'HTTP', '{"url":"http://127.0.0.1/"}', 60, 'UP'
       from (select id, row_number() over (order by slug) - 1 as i from organizations where slug like 'bench-%') o
       cross join generate_series(1, $1) g
      where o.i * $1 + g <= $2`,
    [PER_TENANT, MONITORS],
  );
  const { rows: monitorRows } = await admin.query<{ id: string; tenant_id: string }>(
    "select id::text, tenant_id::text from monitors order by tenant_id, name",
  );
  await admin.query("create temp table bench_n as select id, tenant_id, 0 as n from monitors");
  await admin.query(`update bench_n set n = case
      when r < 0.70 then floor(random() * 25)
      when r < 0.95 then 50 + floor(random() * 101)
      else 500 + floor(random() * 1001) end
    from (select id as rid, random() as r from monitors) x where x.rid = bench_n.id`);
  // Outage k of a monitor with n outages sits in the k-th of n equal periods of the history.
  const span = now.getTime() - start.getTime();
  // Bulk load without the per-row exclusion check, then re-add the product's constraint (validates every
  // row, builds the GiST index in one go): the table ends up exactly as the migrations define it.
  await admin.query("alter table state_intervals drop constraint state_intervals_no_overlap_excl");
  const chunk = 1_000;
  for (let off = 0; off < monitorRows.length; off += chunk) {
    await admin.query(
      `with m as (select * from bench_n order by id offset $3 limit $4),
       o as (
         select m.id, m.tenant_id, m.n, k,
                $1::timestamptz + make_interval(secs => ((k + 0.1 + 0.5 * random()) * ($2::float8 / m.n)) / 1000) as s,
                random() as r
           from m cross join lateral generate_series(0, m.n - 1) k
          where m.n > 0),
       d as (
         select id, tenant_id, date_trunc('milliseconds', s) as s,
                date_trunc('milliseconds', s + make_interval(secs => 60 + random() * least(7140, ($2::float8 / 1000 / n) * 0.3))) as e,
                case when r < 0.75 then 'DOWN' when r < 0.95 then 'DEGRADED' else 'UNKNOWN' end::"MonitorState" as st
           from o),
       b as (select *, lag(e) over (partition by id order by s) as prev_e,
                    row_number() over (partition by id order by s desc) as last from d)
       insert into state_intervals (tenant_id, monitor_id, state, started_at, ended_at)
       select tenant_id, id, 'UP', coalesce(prev_e, $1::timestamptz), s from b
       union all select tenant_id, id, st, s, e from b
       union all select tenant_id, id, 'UP', e, null from b where last = 1
       union all select tenant_id, id, 'UP', $1::timestamptz, null from m where n = 0`,
      [start, span, off, chunk],
    );
  }
  await admin.query(`alter table state_intervals add constraint state_intervals_no_overlap_excl
    exclude using gist (monitor_id with =, tstzrange(started_at, ended_at, '[)') with &&)`);
  await admin.query("vacuum analyze state_intervals");
  const { rows: stat } = await admin.query(
    "select count(*)::int as n, pg_total_relation_size('state_intervals')::float8 as bytes from state_intervals",
  );
  log(
    `generated ${stat[0].n} state intervals for ${monitorRows.length} monitors in ${tenants} tenants (${round(stat[0].bytes / 1e6, 0)} MB) in ${round((performance.now() - t0) / 1000, 1)} s`,
  );

  const { withTenant, disconnectAll } = await import("../packages/db/src/index.ts");
  const { readStateSecondsByMonitor, rollupStateSeconds, uptimeOf } = await import("../packages/services/src/index.ts");
  const { rollupZoneDaySeconds } = await import("../packages/services/src/rollup/rollup-zone-days.ts");
  const { rows: marks } = await admin.query("select count(*)::int as n from rollup_watermarks");
  if (marks[0].n !== 0) throw new Error("B7 expects no rollup coverage (every window read from state_intervals)");

  const pick = () => monitorRows[Math.floor(Math.random() * monitorRows.length)]!;
  const time = async (fn: () => Promise<unknown>) => {
    const s = performance.now();
    await fn();
    return performance.now() - s;
  };
  // The pages' path: one withTenant transaction, rollupStateSeconds (getMonitor, getTenantOverview).
  const uptimeFor = async (tenantId: string, days: number, monitorIds?: string[]) => {
    const from = new Date(now.getTime() - days * DAY);
    const seconds = await withTenant(tenantId, (tx) =>
      rollupStateSeconds(tx, { tenantId, from, to: now, now, monitorIds: monitorIds ?? null }),
    );
    const ids = monitorIds ?? [...seconds.keys()];
    return new Map(ids.map((id) => [id, uptimeOf(seconds.get(id), from, now).uptimePercent]));
  };
  // The detail page's 90 tenant-zone days (getMonitor → rollupZoneDaySeconds).
  const zoneDaysFor = (tenantId: string, monitorId: string) =>
    withTenant(tenantId, (tx) =>
      rollupZoneDaySeconds(tx, { tenantId, monitorId, timeZone: "America/New_York", days: 90, now }),
    );

  // Warm-up (connections, plans, caches).
  for (let i = 0; i < 50; i++) {
    const m = pick();
    await uptimeFor(m.tenant_id, 30, [m.id]);
  }

  // Ceiling: a trivial indexed query through the same path (transaction + tenant setting + one PK lookup),
  // and for reference the lean path no page uses (withTenantRead → readStateSecondsByMonitor, ADR 0008).
  const trivial: number[] = [];
  const leanPath: number[] = [];
  for (let i = 0; i < SINGLE_SAMPLES; i++) {
    const m = pick();
    trivial.push(
      await time(() => withTenant(m.tenant_id, (tx) => tx.$queryRaw`select id from monitors where id = ${m.id}::uuid`)),
    );
    const from = new Date(now.getTime() - 30 * DAY);
    leanPath.push(
      await time(() => readStateSecondsByMonitor({ tenantId: m.tenant_id, from, to: now, monitorIds: [m.id] })),
    );
  }
  const trivialP95 = summarize(trivial).p95;
  const lean = summarize(leanPath);
  log(`trivial indexed query (same path): p95 ${round(trivialP95, 3)} ms`);
  log(
    `lean path, no page uses it (withTenantRead → readStateSecondsByMonitor), one monitor 30 d: p50 ${round(lean.p50, 3)} ms, p95 ${round(lean.p95, 3)} ms`,
  );
  const single: Record<string, ReturnType<typeof summarize>> = {};
  for (const days of WINDOWS) {
    const samples: number[] = [];
    for (let i = 0; i < SINGLE_SAMPLES; i++) {
      const m = pick();
      samples.push(await time(() => uptimeFor(m.tenant_id, days, [m.id])));
    }
    single[`${days}d`] = summarize(samples);
    log(
      `one monitor ${days} d: p50 ${round(single[`${days}d`]!.p50, 3)} ms, p95 ${round(single[`${days}d`]!.p95, 3)} ms`,
    );
  }
  const zoneSamples: number[] = [];
  for (let i = 0; i < SINGLE_SAMPLES; i++) {
    const m = pick();
    zoneSamples.push(await time(() => zoneDaysFor(m.tenant_id, m.id)));
  }
  const zoneDays = summarize(zoneSamples);
  log(
    `one monitor, 90 tenant-zone days (detail page): p50 ${round(zoneDays.p50, 3)} ms, p95 ${round(zoneDays.p95, 3)} ms`,
  );
  const tenantIds = [...new Set(monitorRows.map((m) => m.tenant_id))];
  const tenant: Record<string, ReturnType<typeof summarize>> = {};
  for (const days of WINDOWS) {
    const samples: number[] = [];
    for (let i = 0; i < TENANT_SAMPLES; i++) {
      const t = tenantIds[i % tenantIds.length]!;
      samples.push(await time(() => uptimeFor(t, days)));
    }
    tenant[`${days}d`] = summarize(samples);
    log(
      `tenant (${PER_TENANT} monitors) ${days} d: p50 ${round(tenant[`${days}d`]!.p50, 1)} ms, p95 ${round(tenant[`${days}d`]!.p95, 1)} ms`,
    );
  }

  // Equality: a raw recomputation from the intervals themselves (clip each one to the window in JS,
  // open intervals end at now), for every monitor of one tenant and every window.
  t0 = performance.now();
  const checkTenant = tenantIds[0]!;
  const { rows: raw } = await admin.query<{ monitor_id: string; state: string; s: string; e: string | null }>(
    `select monitor_id::text, state::text, (extract(epoch from started_at) * 1000)::bigint::text as s,
            (extract(epoch from ended_at) * 1000)::bigint::text as e
       from state_intervals where tenant_id = $1`,
    [checkTenant],
  );
  let maxDiff = 0;
  let compared = 0;
  for (const days of WINDOWS) {
    const from = now.getTime() - days * DAY;
    const to = now.getTime();
    const acc = new Map<string, { up: number; down: number }>();
    for (const r of raw) {
      const s = Math.max(Number(r.s), from);
      const e = Math.min(r.e === null ? to : Number(r.e), to);
      if (e <= s) continue;
      const a = acc.get(r.monitor_id) ?? { up: 0, down: 0 };
      if (r.state === "UP" || r.state === "DEGRADED") a.up += e - s;
      else if (r.state === "DOWN") a.down += e - s;
      acc.set(r.monitor_id, a);
    }
    const product = await uptimeFor(checkTenant, days);
    for (const [id, a] of acc) {
      const expected = a.up + a.down > 0 ? (100 * a.up) / (a.up + a.down) : null;
      const got = product.get(id) ?? null;
      if ((expected === null) !== (got === null)) maxDiff = Number.POSITIVE_INFINITY;
      else if (expected !== null && got !== null) maxDiff = Math.max(maxDiff, Math.abs(expected - got));
      compared++;
    }
  }
  log(
    `equality: ${compared} monitor-windows compared, max |Δ| = ${maxDiff} pp (${round(performance.now() - t0, 0)} ms)`,
  );

  await admin.end();
  await disconnectAll();

  // The detail page's 90 tenant-zone days count as its 90-day read.
  const singleP95 = Math.max(...WINDOWS.map((d) => single[`${d}d`]!.p95), zoneDays.p95);
  const tenantP95 = Math.max(...WINDOWS.map((d) => tenant[`${d}d`]!.p95));
  const r3 = (n: number) => round(n, 3);
  report({
    bench: "B7",
    value: r3(singleP95),
    unit: "ms (one monitor p95, worst of 30/90/365 d and 90 zone days; page path)",
    ceiling: r3(trivialP95),
    ratio: r3(trivialP95 / singleP95),
    target: "one monitor p95 <= 2 ms; 1,000-monitor tenant p95 <= 150 ms; |Δ| <= 0.001 pp",
    pass: singleP95 <= 2 && tenantP95 <= 150 && maxDiff <= 0.001,
    tenantP95Ms: round(tenantP95, 1),
    singleP95Ms: Object.fromEntries(WINDOWS.map((d) => [`${d}d`, r3(single[`${d}d`]!.p95)])),
    tenantP95ByWindowMs: Object.fromEntries(WINDOWS.map((d) => [`${d}d`, round(tenant[`${d}d`]!.p95, 1)])),
    maxDiffPp: maxDiff,
    zoneDays90P95Ms: r3(zoneDays.p95),
    leanPathP95Ms: r3(lean.p95),
    path: "withTenant → rollupStateSeconds (pages); raw plan (no rollups)",
    loadAverage: os.loadavg().map((l) => round(l, 2)),
    intervals: stat[0].n,
    monitors: monitorRows.length,
  });
} finally {
  await db.drop();
}
