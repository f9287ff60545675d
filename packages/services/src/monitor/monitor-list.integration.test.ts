import { getSystemPool, withSystem } from "@steward/db";
import { createSsrfGuard } from "@steward/probes";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { listProbeWorkers } from "../fleet/list-probe-workers.ts";
import { recordWorkerHeartbeat } from "../fleet/record-worker-heartbeat.ts";
import { auditRows, createWorld, tenantContext, userContext, type World } from "../testing/factories.ts";
import { searchMonitors } from "./search-monitors.ts";
import { setMonitorsPaused } from "./set-monitors-paused.ts";
import { testMonitorConfig } from "./test-monitor-config.ts";
import { updateMonitor } from "./update-monitor.ts";
import { watchMonitors } from "./watch-monitors.ts";

let w: World;
const N = 5000;
const STATES = ["UP", "UP", "UP", "DEGRADED", "DOWN", "UNKNOWN"] as const;

beforeAll(async () => {
  w = await createWorld();
  // 5,000 monitors in tenant A (names "m-00000" …), states cycling, every 7th paused, tags on some.
  await getSystemPool().query(
    `insert into monitors (tenant_id, name, kind, config, interval_seconds, state, paused, last_checked_at,
                           last_latency_ms, tags)
     select $1::uuid, 'm-' || lpad(i::text, 5, '0'), 'HTTP',
            jsonb_build_object('url', 'https://svc-' || i || '.example.test/health', 'method', 'GET'), 60,
            ($2::text[])[1 + i % 6]::"MonitorState", i % 7 = 0, now() - (i || ' seconds')::interval,
            (i * 37) % 2000, case when i % 10 = 0 then array['edge'] else array['core'] end
       from generate_series(1, ${N}) i`,
    [w.tenants.A.id, STATES],
  );
  // Statistics as autovacuum would keep them (ANALYZE needs the owner: the admin URL of this suite's database).
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query("analyze monitors");
  await admin.end();
}, 60_000);

describe("searchMonitors at 5,000 monitors", () => {
  it("paginates 50 a page with the total and per-status facets", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const p1 = await searchMonitors(ctx, {});
    expect(p1.rows).toHaveLength(50);
    expect(p1.total).toBe(N + 1); // + the world's own monitor
    expect(p1.pageCount).toBe(Math.ceil((N + 1) / 50));
    const f = p1.facets.status;
    expect(Object.values(f).reduce((a, b) => a + b, 0)).toBe(N + 1);
    expect(f.PAUSED).toBe(Math.floor(N / 7));
    const p2 = await searchMonitors(ctx, { page: 2 });
    expect(p2.rows[0]!.name > p1.rows[49]!.name).toBe(true);
    // no rows of another tenant
    expect(p1.rows.every((r) => r.id !== w.tenants.B.monitorId)).toBe(true);
  });

  it("filters by status, kind, tag and search; sorts by latency / last checked / state", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const down = await searchMonitors(ctx, { status: ["DOWN"], pageSize: 200 });
    expect(down.rows.every((r) => r.state === "DOWN" && !r.paused)).toBe(true);
    expect(down.total).toBe(down.facets.status.DOWN);
    const paused = await searchMonitors(ctx, { status: ["PAUSED"] });
    expect(paused.rows.every((r) => r.paused)).toBe(true);
    const edge = await searchMonitors(ctx, { tag: "edge" });
    expect(edge.total).toBe(N / 10);
    expect(edge.tags.map((t) => t.tag)).toEqual(["core", "edge"]);
    const q = await searchMonitors(ctx, { q: "SVC-4242." });
    expect(q.rows.map((r) => r.name)).toEqual(["m-04242"]);
    expect(q.rows[0]!.target).toBe("https://svc-4242.example.test/health");
    const literal = await searchMonitors(ctx, { q: "%" });
    expect(literal.total).toBe(0); // % is a literal, not a wildcard
    const none = await searchMonitors(ctx, { kind: ["TCP"] });
    expect(none.total).toBe(0);

    const byLatency = await searchMonitors(ctx, { sort: "latency", dir: "desc" });
    const lat = byLatency.rows.map((r) => r.lastLatencyMs ?? -1);
    expect([...lat].sort((a, b) => b - a)).toEqual(lat);
    const byChecked = await searchMonitors(ctx, { sort: "lastChecked", dir: "desc" });
    expect(byChecked.rows[0]!.name).toBe("m-00001");
    const byState = await searchMonitors(ctx, { sort: "state" });
    expect(byState.rows[0]!.state).toBe("DOWN");
  });

  it("every query stays fast and the search uses its trigram index (EXPLAIN)", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    for (const input of [
      {},
      { sort: "latency" as const, dir: "desc" as const, page: 50 },
      { status: ["DOWN" as const], sort: "state" as const },
      { q: "svc-12" },
      { tag: "edge", sort: "lastChecked" as const },
    ]) {
      const t0 = performance.now();
      await searchMonitors(ctx, input);
      const ms = performance.now() - t0;
      expect(ms, JSON.stringify(input)).toBeLessThan(500);
    }
    // At 5,000 rows a sequential scan is the planner's (right) choice; the trigram index must still match
    // the search expression exactly, so the planner can use it once the table is larger.
    const forced = await withSystem(async (tx) => {
      await tx.$executeRaw`set local enable_seqscan = off`;
      return tx.$queryRaw<{ "QUERY PLAN": string }[]>`
        explain select id from monitors m
        where lower(m.name || ' ' || coalesce(m.config ->> 'url', '')) like '%svc-4242.%'`;
    });
    expect(forced.map((r) => r["QUERY PLAN"]).join("\n")).toContain("monitors_search_trgm_idx");
    const analyzed = await withSystem(
      (tx) =>
        tx.$queryRaw<{ "QUERY PLAN": string }[]>`
        explain analyze select id from monitors m where m.tenant_id = ${w.tenants.A.id}::uuid
          and lower(m.name || ' ' || coalesce(m.config ->> 'url', '')) like '%svc-4242.%'`,
    );
    const exec = Number(/Execution Time: ([\d.]+) ms/.exec(analyzed.map((r) => r["QUERY PLAN"]).join("\n"))?.[1]);
    expect(exec).toBeLessThan(50);
  });

  it("a viewer may search but not write", async () => {
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    expect((await searchMonitors(viewer, { pageSize: 1 })).rows).toHaveLength(1);
    await expect(
      setMonitorsPaused(viewer, { monitorIds: [w.tenants.A.monitorId], paused: true }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("setMonitorsPaused", () => {
  it("pauses many with one audit row each; a foreign id makes it NotFound", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const page = await searchMonitors(ctx, { status: ["UP"], pageSize: 3 });
    const ids = page.rows.map((r) => r.id);
    const r = await setMonitorsPaused(ctx, { monitorIds: ids, paused: true });
    expect(r.changed.sort()).toEqual([...ids].sort());
    const audits = await auditRows({ tenantId: w.tenants.A.id, action: "monitor.pause" });
    expect(ids.every((id) => audits.some((a) => a.targetId === id))).toBe(true);
    // again: nothing changes, no new audit rows
    expect((await setMonitorsPaused(ctx, { monitorIds: ids, paused: true })).changed).toEqual([]);
    await expect(
      setMonitorsPaused(ctx, { monitorIds: [ids[0]!, w.tenants.B.monitorId], paused: false }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await setMonitorsPaused(ctx, { monitorIds: ids, paused: false })).changed).toHaveLength(3);
  });
});

describe("updateMonitor", () => {
  it("validates the config with the kind's schema (field errors), audits the changed fields", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const err = await updateMonitor(ctx, {
      monitorId: w.tenants.A.monitorId,
      config: { url: "ftp://nope" },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details?.fields).toHaveProperty(["config.url"]);
    const m = await updateMonitor(ctx, {
      monitorId: w.tenants.A.monitorId,
      config: { url: "http://127.0.0.1:4100/slow", expectedStatus: [200] },
      intervalSeconds: 30,
      tags: ["edge", "edge", "eu"],
    });
    expect(m.intervalSeconds).toBe(30);
    expect(m.tags).toEqual(["edge", "eu"]);
    expect(m.config).toMatchObject({ url: "http://127.0.0.1:4100/slow", method: "GET", expectedStatus: [200] });
    const audit = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" }))[0];
    expect(audit?.metadata).toMatchObject({ fields: ["config", "intervalSeconds", "tags"] });
    await expect(updateMonitor(ctx, { monitorId: w.tenants.B.monitorId, intervalSeconds: 30 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe("testMonitorConfig", () => {
  it("runs the probe once under the SSRF guard: loopback only when allowlisted", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const input = { kind: "HTTP", config: { url: "http://127.0.0.1:9/" }, timeoutMs: 1000 };
    const blocked = await testMonitorConfig(ctx, input, { ssrf: createSsrfGuard() });
    expect(blocked.ok).toBe(false);
    expect(blocked.error).toMatch(/SSRF/);
    const refused = await testMonitorConfig(ctx, input, { ssrf: createSsrfGuard({ allowCidrs: ["127.0.0.0/8"] }) });
    expect(refused.ok).toBe(false);
    expect(refused.error).not.toMatch(/SSRF/);
    expect(refused.totalMs).toBeGreaterThanOrEqual(0);
    await expect(
      testMonitorConfig(ctx, { kind: "HTTP", config: { url: "nope" } }, { ssrf: createSsrfGuard() }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("watchMonitors", () => {
  it("yields at once, then when a monitor changes; stops on abort", async () => {
    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const ac = new AbortController();
    const it = watchMonitors(ctx, { everyMs: 200 }, ac.signal);
    const first = await it.next();
    expect(first.done).toBe(false);
    await withSystem((tx) => tx.monitor.update({ where: { id: w.tenants.A.monitorId }, data: { paused: true } }));
    const second = await it.next();
    expect(second.value?.signature).not.toBe(first.value?.signature);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });
});

describe("probe fleet", () => {
  it("lists heartbeating workers for provider admins and engineers; stale after 30 s; others Forbidden", async () => {
    const startedAt = new Date(Date.now() - 60_000);
    await recordWorkerHeartbeat({
      id: "w-live",
      region: "eu-west",
      hostname: "probe-1",
      pid: 101,
      concurrency: 50,
      startedAt,
      lagP95Ms: 12,
      probesPerSecond: 41.5,
      probesTotal: 1234,
    });
    await recordWorkerHeartbeat({
      id: "w-silent",
      region: "us-east",
      hostname: "probe-2",
      pid: 202,
      concurrency: 50,
      startedAt,
      lagP95Ms: null,
      probesPerSecond: 0,
      probesTotal: 0,
    });
    await getSystemPool().query(
      `update probe_workers set last_heartbeat_at = now() - interval '45 seconds' where id = 'w-silent'`,
    );
    for (const p of ["providerAdmin", "engineerA", "unscopedEngineer"] as const) {
      const fleet = await listProbeWorkers(await userContext(w.personas[p].user));
      const live = fleet.workers.find((x) => x.id === "w-live");
      expect(live).toMatchObject({ stale: false, region: "eu-west", lagP95Ms: 12, probesTotal: 1234 });
      expect(fleet.workers.find((x) => x.id === "w-silent")?.stale).toBe(true);
    }
    for (const p of ["managerB", "clientAdminA", "clientViewerA"] as const) {
      await expect(listProbeWorkers(await userContext(w.personas[p].user))).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("the web role may read probe_workers but never write it", async () => {
    const { getAppDb } = await import("@steward/db");
    await expect(getAppDb().$executeRaw`delete from probe_workers`).rejects.toThrow(/permission denied/);
  });
});
