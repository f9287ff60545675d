// B14: what live updates cost the database — 1 open tab against 100 (issue 8 item 9, ADR 0016).
// Each "tab" is a real monitor.changes subscription through the tRPC router (createContext → tenant and
// permission checks → the process's shared live feed). While the window runs, a writer changes monitor
// states 4×/s in the watched tenant and 4×/s in another one (as the worker's ingest would). Counted over
// the same window: every statement this process sends to Postgres (pg.Client#query, all pools), the feed's
// snapshots and re-checks, and — independently, server side — the transactions pg_stat_database saw on the
// bench database (the writer's own subtracted). Scenarios: 1 tab; 100 tabs of one user (one session);
// 100 tabs of 100 users (the per-session re-check is the only part that grows). Target: 100 tabs of one
// user cost what 1 does (ratio of statements ≤ 1.2). Product settings: re-check 30 s, coalesce 1 s.
// Server side, the listening backend also runs one short internal transaction per notification it reads
// (Postgres reads its NOTIFY queue in a transaction): per process and per change of ANY tenant, never
// per tab — it shows in serverXactsPerS next to `notifications`.
import { envNumber, log, report, round, setupDatabase, sleep } from "./lib/harness.ts";

const WINDOW_S = envNumber("BENCH_WINDOW_S", 35);
const SETTLE_MS = envNumber("BENCH_SETTLE_MS", 11_000); // idle backends flush their stats within 10 s
const MONITORS = envNumber("BENCH_MONITORS", 500);
const TABS = envNumber("BENCH_TABS", 100);
const CHANGES_PER_S = 4;

const db = await setupDatabase("B14");
try {
  const pg = (await import("pg")).default;
  const { disconnectAll } = await import("../packages/db/src/index.ts");
  const services = await import("../packages/services/src/index.ts");
  const { createOrganization, createUser, createMembership, createSession } = await import(
    "../packages/services/src/testing/index.ts"
  );
  const { createCaller, createContext } = await import("../packages/api/src/index.ts");

  const admin = await db.admin();
  const tenant = await createOrganization({ kind: "CLIENT", name: "Live bench" });
  const other = await createOrganization({ kind: "CLIENT", name: "Live bench other" });
  for (const t of [tenant.id, other.id]) {
    await admin.query(
      `insert into monitors (tenant_id, name, kind, config, interval_seconds, state)
       select $1::uuid, 'm' || g, 'HTTP', '{"url":"http://127.0.0.1/"}', 60, 'UP' from generate_series(1, $2) g`,
      [t, MONITORS],
    );
  }
  const monitorIds = async (t: string) =>
    (await admin.query<{ id: string }>("select id::text from monitors where tenant_id = $1", [t])).rows.map(
      (r) => r.id,
    );
  const watched = await monitorIds(tenant.id);
  const noise = await monitorIds(other.id);
  const sessions: string[] = [];
  for (let i = 0; i < TABS; i++) {
    const u = await createUser();
    await createMembership({ userId: u.id, tenantId: tenant.id, role: "CLIENT_VIEWER" });
    sessions.push((await createSession(u.id)).id);
  }

  // Every statement this process sends (all pools, the listener's LISTEN too), except the writer's.
  let statements = 0;
  let writer: InstanceType<typeof pg.Client> | null = null;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    if (this !== writer && this !== admin) statements++;
    return original.apply(this, args);
  };

  const serverXacts = async () => {
    const c = await db.admin(); // a fresh backend each time: its own read is flushed when it exits
    try {
      const { rows } = await c.query<{ n: string }>(
        "select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()",
      );
      return Number(rows[0]!.n);
    } finally {
      await c.end();
    }
  };

  interface Scenario {
    name: string;
    sessionOf: (tab: number) => string;
    tabs: number;
    /** The design before ADR 0016, emulated: every tab polls the same aggregate every 2 s. */
    previous?: boolean;
  }
  const scenarios: Scenario[] = [
    { name: "1 tab", tabs: 1, sessionOf: () => sessions[0]! },
    { name: `${TABS} tabs, one user`, tabs: TABS, sessionOf: () => sessions[0]! },
    { name: `${TABS} tabs, ${TABS} users`, tabs: TABS, sessionOf: (i) => sessions[i]! },
    { name: `${TABS} tabs, previous design`, tabs: TABS, sessionOf: () => sessions[0]!, previous: true },
  ];
  const { withTenant } = await import("../packages/db/src/index.ts");
  /** The previous stream's loop (git show c2f18d3~1:packages/services/src/monitor/watch-monitors.ts). */
  const previousTab = async (signal: AbortSignal) => {
    while (!signal.aborted) {
      await withTenant(
        tenant.id,
        (tx) => tx.$queryRaw`
        select concat_ws('|', count(*), max(state_since), count(*) filter (where paused),
                         count(*) filter (where state = 'DOWN'), count(*) filter (where state = 'DEGRADED'),
                         count(*) filter (where state = 'UP'), sum(hashtext(id::text)))::text as sig
          from monitors where tenant_id = ${tenant.id}::uuid`,
      );
      await sleep(2_000);
    }
  };
  interface Figures {
    tabs: number;
    statementsPerS: number;
    serverXactsPerS: number;
    snapshots: number;
    rechecks: number;
    notifications: number;
    listenerConnections: number;
    eventsDelivered: number;
    watchedChanges: number;
    setupStatementsPerTab: number;
  }
  const results: Record<string, Figures> = {};

  for (const s of scenarios) {
    const feed = new services.MonitorLiveFeed(); // product defaults: re-check 30 s, coalesce 1 s
    services.setMonitorLiveFeed(feed);
    const ac = new AbortController();
    let events = 0;
    const setupStart = statements;
    const firsts: Promise<void>[] = [];
    for (let i = 0; i < s.tabs; i++) {
      if (s.previous) {
        firsts.push(sleep(Math.random() * 2_000).then(() => previousTab(ac.signal)));
        continue;
      }
      const caller = createCaller(await createContext({ sessionId: s.sessionOf(i), requestId: `b14-${i}` }));
      const call = caller.monitor.changes as unknown as (
        i: unknown,
        o: { signal: AbortSignal },
      ) => Promise<AsyncIterable<unknown>>;
      const it = (await call({ tenantId: tenant.id }, { signal: ac.signal }))[Symbol.asyncIterator]();
      firsts.push(
        it.next().then(async () => {
          for (;;) {
            const r = await it.next();
            if (r.done) return;
            events++;
          }
        }),
      );
    }
    await sleep(1_500); // every tab has its first snapshot
    const setupStatements = statements - setupStart;
    await sleep(SETTLE_MS);

    writer = new pg.Client({ connectionString: db.databaseUrl, application_name: "b14-writer" });
    await writer.connect();
    const x0 = await serverXacts();
    const st0 = statements;
    const f0 = feed.stats();
    const ev0 = events;
    let writes = 0;
    const end = Date.now() + WINDOW_S * 1000;
    let flip = 0;
    while (Date.now() < end) {
      const tick = Date.now();
      for (const ids of [watched, noise]) {
        await writer.query(`update monitors set state = $2::"MonitorState", state_since = now() where id = $1`, [
          ids[Math.floor(Math.random() * ids.length)],
          flip++ % 2 ? "DOWN" : "UP",
        ]);
        writes++;
      }
      await sleep(Math.max(0, 1000 / CHANGES_PER_S - (Date.now() - tick)));
    }
    const st1 = statements;
    const f1 = feed.stats();
    const ev1 = events;
    const listeners = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = 'steward-monitors-live'`,
    );
    ac.abort();
    await feed.close();
    await Promise.allSettled(firsts);
    services.setMonitorLiveFeed(null);
    await writer.end();
    writer = null;
    await sleep(SETTLE_MS);
    const x1 = await serverXacts();

    const r: Figures = {
      tabs: s.tabs,
      statementsPerS: round((st1 - st0) / WINDOW_S, 2),
      serverXactsPerS: round((x1 - x0 - writes - 1) / WINDOW_S, 2),
      notifications: f1.notifications - f0.notifications,
      snapshots: f1.snapshots - f0.snapshots,
      rechecks: f1.rechecks - f0.rechecks,
      listenerConnections: listeners.rows[0]!.n,
      eventsDelivered: ev1 - ev0,
      watchedChanges: writes / 2,
      setupStatementsPerTab: round(setupStatements / s.tabs, 1),
    };
    results[s.name] = r;
    log(`${s.name}: ${JSON.stringify(r)}`);
  }
  proto.query = original;
  await admin.end();
  await disconnectAll();

  const one = results[scenarios[0]!.name]!;
  const many = results[scenarios[1]!.name]!;
  const ratio = round(many.statementsPerS / one.statementsPerS, 2);
  report({
    bench: "B14",
    value: many.statementsPerS,
    unit: `statements/s with ${TABS} tabs of one user (${WINDOW_S} s, ${CHANGES_PER_S} changes/s)`,
    ceiling: one.statementsPerS,
    ratio,
    target: `${TABS} tabs cost what 1 does: ratio <= 1.2, one listener`,
    pass: ratio <= 1.2 && many.listenerConnections === 1,
    scenarios: results,
    previousDesign: `one poll per tab every 2 s (client could ask 200 ms): ${TABS} tabs = ${TABS / 2}–${TABS * 5} aggregates/s`,
  });
} finally {
  await db.drop();
}
