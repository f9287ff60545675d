import { withSystem } from "@steward/db";
import { computeUptime } from "@steward/domain";
import { HttpProbeConfig } from "@steward/probes";
import { beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { getTenantOverview } from "../tenant/get-tenant-overview.ts";
import { listTenants } from "../tenant/list-tenants.ts";
import {
  auditRows,
  createMonitor as createMonitorRow,
  createProbeResults,
  createStateIntervals,
  createWorld,
  tenantContext,
  userContext,
  type World,
} from "../testing/factories.ts";
import { createMonitor } from "./create-monitor.ts";
import { getMonitor } from "./get-monitor.ts";
import { listMonitors } from "./list-monitors.ts";
import { setMonitorPaused } from "./set-monitor-paused.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const H = 3600_000;

describe("createMonitor", () => {
  it("writes the row with defaults and audits; enqueues nothing", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    const m = await createMonitor(ctx, {
      name: "api health",
      assetId: w.tenants.A.assetId,
      config: { url: "http://127.0.0.1:4100/healthy" },
      intervalSeconds: 10,
    });
    expect(m).toMatchObject({ name: "api health", kind: "HTTP", state: "UNKNOWN", asset: { id: w.tenants.A.assetId } });
    const row = await withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id: m.id } }));
    expect(row.config).toMatchObject({ url: "http://127.0.0.1:4100/healthy", method: "GET" });
    // No expectedStatus stored: the probe then accepts any 200–399 (its documented default).
    expect((row.config as { expectedStatus?: number[] }).expectedStatus).toBeUndefined();
    expect(HttpProbeConfig.safeParse(row.config).success).toBe(true);
    expect(row.tenantId).toBe(w.tenants.A.id);
    expect((await auditRows({ tenantId: w.tenants.A.id, action: "monitor.create" }))[0]).toMatchObject({
      targetId: m.id,
    });
    await expect(createMonitor(ctx, { name: "api health", config: { url: "http://x.test" } })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it("validates interval ≥ 10 s and the URL; a foreign asset is NotFound; a viewer is Forbidden", async () => {
    const ctx = await tenantContext(w.personas.engineerA.user, w.tenants.A.id);
    await expect(
      createMonitor(ctx, { name: "fast", config: { url: "http://x.test" }, intervalSeconds: 5 }),
    ).rejects.toThrow();
    await expect(createMonitor(ctx, { name: "bad", config: { url: "ftp://x.test" } })).rejects.toThrow();
    await expect(
      createMonitor(ctx, { name: "foreign", assetId: w.tenants.B.assetId, config: { url: "http://x.test" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(createMonitor(viewer, { name: "v", config: { url: "http://x.test" } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("setMonitorPaused", () => {
  it("pauses and resumes with audit; foreign → NotFound; client admin → Forbidden", async () => {
    const ctx = await tenantContext(w.personas.providerAdmin.user, w.tenants.B.id);
    expect((await setMonitorPaused(ctx, { monitorId: w.tenants.B.monitorId, paused: true })).paused).toBe(true);
    expect((await setMonitorPaused(ctx, { monitorId: w.tenants.B.monitorId, paused: false })).paused).toBe(false);
    const actions = (await auditRows({ tenantId: w.tenants.B.id })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["monitor.pause", "monitor.resume"]));
    await expect(setMonitorPaused(ctx, { monitorId: w.tenants.A.monitorId, paused: true })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const admin = await tenantContext(w.personas.clientAdminB.user, w.tenants.B.id);
    await expect(setMonitorPaused(admin, { monitorId: w.tenants.B.monitorId, paused: true })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("getMonitor / overview maths", () => {
  it("latency buckets (≤ 48), 7-day intervals, recent results, exact uptime", async () => {
    const now = Date.now();
    const m = await createMonitorRow(w.tenants.A.id, { name: "maths" });
    // 30 days ago → now: 20 d UP, 1 d DOWN, 2 d MAINTENANCE, 1 d UNKNOWN, rest UP (open)
    const t = (hAgo: number) => new Date(now - hAgo * H);
    const spans = [
      { state: "UP" as const, startedAt: t(40 * 24), endedAt: t(10 * 24) },
      { state: "DOWN" as const, startedAt: t(10 * 24), endedAt: t(9 * 24) },
      { state: "MAINTENANCE" as const, startedAt: t(9 * 24), endedAt: t(7 * 24) },
      { state: "UNKNOWN" as const, startedAt: t(7 * 24), endedAt: t(6 * 24) },
      { state: "DEGRADED" as const, startedAt: t(6 * 24), endedAt: t(2) },
      { state: "DOWN" as const, startedAt: t(2), endedAt: t(1.5) },
      { state: "UP" as const, startedAt: t(1.5), endedAt: null },
    ];
    await createStateIntervals(w.tenants.A.id, m.id, spans);
    const results = Array.from({ length: 100 }, (_, i) => ({
      scheduledAt: new Date(now - i * 15 * 60_000 - 1000),
      latencyMs: 100 + (i % 7) * 10,
    }));
    await createProbeResults(w.tenants.A.id, m.id, results);

    const ctx = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const detail = await getMonitor(ctx, { monitorId: m.id });
    expect(detail.latency24h.length).toBeGreaterThan(40);
    expect(detail.latency24h.length).toBeLessThanOrEqual(48);
    const inWindow = results.filter((r) => r.scheduledAt.getTime() >= now - 24 * H);
    expect(detail.latency24h.reduce((n, p) => n + p.count, 0)).toBe(inWindow.length);
    expect(detail.recentResults).toHaveLength(20);
    expect(detail.recentResults[0]!.scheduledAt.getTime()).toBe(results[0]!.scheduledAt.getTime());
    expect(detail.intervals7d.map((i) => i.state)).toEqual(["UNKNOWN", "DEGRADED", "DOWN", "UP"]);

    // exact: SQL-summed 30 d equals the pure recomputation (to the ms; `now` differs by the call latency)
    const expected = computeUptime(spans, { from: now - 30 * 24 * H, to: now });
    const got = detail.uptime.d30;
    expect(got.seconds.DOWN).toBeCloseTo(expected.seconds.DOWN, 3);
    expect(got.seconds.MAINTENANCE).toBeCloseTo(expected.seconds.MAINTENANCE, 3);
    expect(got.seconds.UNKNOWN).toBeCloseTo(expected.seconds.UNKNOWN, 3);
    expect(got.uptimePercent!).toBeCloseTo(expected.uptimePercent!, 5);
    expect(detail.uptime.h24.seconds.DOWN).toBeCloseTo(1800, 3);

    const overview = await getTenantOverview(ctx);
    const row = overview.monitors.find((x) => x.id === m.id)!;
    expect(row.uptime30d!).toBeCloseTo(expected.uptimePercent!, 5);
    expect(row.sparkline24h.length).toBeLessThanOrEqual(25);
    expect(row.sparkline24h.length).toBeGreaterThan(20);
    expect(overview.monitors.every((x) => x.id !== w.tenants.B.monitorId)).toBe(true);
    const noData = overview.monitors.find((x) => x.id === w.tenants.A.monitorId)!;
    expect(noData.uptime30d).toBeNull();
  });

  it("foreign monitor → NotFound", async () => {
    const ctx = await tenantContext(w.personas.clientAdminA.user, w.tenants.A.id);
    await expect(getMonitor(ctx, { monitorId: w.tenants.B.monitorId })).rejects.toBeInstanceOf(NotFoundError);
    const list = await listMonitors(ctx);
    expect(list.some((m) => m.id === w.tenants.B.monitorId)).toBe(false);
  });
});

describe("listTenants", () => {
  it("returns reachable tenants with counts; an unscoped engineer gets none", async () => {
    const admin = await listTenants(await userContext(w.personas.providerAdmin.user));
    expect(admin.map((t) => t.id)).toEqual(expect.arrayContaining([w.tenants.A.id, w.tenants.B.id]));
    const b = admin.find((t) => t.id === w.tenants.B.id)!;
    expect(b.monitors.total).toBeGreaterThanOrEqual(1);
    expect(b.openIncidents).toBeGreaterThanOrEqual(1);
    const eng = await listTenants(await userContext(w.personas.engineerA.user));
    expect(eng.map((t) => t.id)).toEqual([w.tenants.A.id]);
    expect(await listTenants(await userContext(w.personas.unscopedEngineer.user))).toEqual([]);
    const clientB = await listTenants(await userContext(w.personas.clientAdminB.user));
    expect(clientB.map((t) => t.id)).toEqual([w.tenants.B.id]);
  });
});
