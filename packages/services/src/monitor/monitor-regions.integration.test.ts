import { withSystem } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import {
  auditRows,
  createIncident,
  createMonitor as createMonitorRow,
  createWorld,
  tenantContext,
  type World,
} from "../testing/factories.ts";
import { createMonitor } from "./create-monitor.ts";
import { getMonitor } from "./get-monitor.ts";
import { listMonitorKinds } from "./list-monitor-kinds.ts";
import { listMonitorRegions } from "./list-monitor-regions.ts";
import { updateMonitor } from "./update-monitor.ts";

let w: World;
beforeAll(async () => {
  w = await createWorld();
});

const row = (id: string) => withSystem((tx) => tx.monitor.findUniqueOrThrow({ where: { id } }));
const countRows = (tenantId: string) => withSystem((tx) => tx.monitor.count({ where: { tenantId } }));
const engineer = () => tenantContext(w.personas.engineerA.user, w.tenants.A.id);
const http = { url: "http://127.0.0.1:4100/healthy" };

/** The zod issues of a rejected parse, as {path: message}. */
async function zodIssues(p: Promise<unknown>): Promise<Record<string, string>> {
  const e = (await p.then(
    () => null,
    (err: unknown) => err,
  )) as { issues?: { path: PropertyKey[]; message: string }[] } | null;
  expect(e?.issues, "expected a zod error").toBeDefined();
  return Object.fromEntries((e?.issues ?? []).map((i) => [i.path.map(String).join("."), i.message]));
}

describe("createMonitor: regions, quorum and tags", () => {
  it("stores regions, quorum and tags and audits them; defaults are {local} / 1 / []", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, {
      name: "multi-region api",
      config: http,
      regions: ["eu-west", "us-east", "ap-south"],
      regionQuorum: 2,
      tags: ["edge", "eu", "edge"],
    });
    expect(m).toMatchObject({ regions: ["eu-west", "us-east", "ap-south"], regionQuorum: 2, tags: ["edge", "eu"] });
    const stored = await row(m.id);
    expect(stored).toMatchObject({
      regions: ["eu-west", "us-east", "ap-south"],
      regionQuorum: 2,
      tags: ["edge", "eu"],
    });
    const audit = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.create" })).find(
      (a) => a.targetId === m.id,
    );
    expect(audit?.metadata).toMatchObject({
      regions: ["eu-west", "us-east", "ap-south"],
      regionQuorum: 2,
      tags: ["edge", "eu"],
    });

    const plain = await createMonitor(ctx, { name: "plain", config: http });
    expect(await row(plain.id)).toMatchObject({ regions: ["local"], regionQuorum: 1, tags: [] });
  });

  it("rejects bad regions and a quorum above the region count with field errors; nothing is written", async () => {
    const ctx = await engineer();
    const before = await countRows(w.tenants.A.id);
    const auditBefore = (await auditRows({ tenantId: w.tenants.A.id })).length;
    expect(
      await zodIssues(createMonitor(ctx, { name: "q", config: http, regions: ["eu", "us"], regionQuorum: 3 })),
    ).toEqual({ regionQuorum: "Down needs 3 regions to agree but the monitor has only 2 regions" });
    expect(Object.keys(await zodIssues(createMonitor(ctx, { name: "e", config: http, regions: [] })))).toEqual([
      "regions",
    ]);
    expect(
      Object.keys(await zodIssues(createMonitor(ctx, { name: "u", config: http, regions: ["EU West", "-x"] }))),
    ).toEqual(["regions.0", "regions.1"]);
    expect(await zodIssues(createMonitor(ctx, { name: "d", config: http, regions: ["eu", "eu"] }))).toEqual({
      regions: "Each region may be listed once",
    });
    const seventeen = Array.from({ length: 17 }, (_, i) => `r${i}`);
    expect(Object.keys(await zodIssues(createMonitor(ctx, { name: "m", config: http, regions: seventeen })))).toEqual([
      "regions",
    ]);
    expect(
      Object.keys(await zodIssues(createMonitor(ctx, { name: "z", config: http, regions: ["eu"], regionQuorum: 0 }))),
    ).toEqual(["regionQuorum"]);
    expect(Object.keys(await zodIssues(createMonitor(ctx, { name: "t", config: http, tags: ["=bad"] })))).toEqual([
      "tags.0",
    ]);
    expect(await countRows(w.tenants.A.id)).toBe(before);
    expect((await auditRows({ tenantId: w.tenants.A.id })).length).toBe(auditBefore);
  });

  it("16 regions with a quorum of 16 are accepted (the upper bounds)", async () => {
    const regions = Array.from({ length: 16 }, (_, i) => `region-${i}`);
    const m = await createMonitor(await engineer(), { name: "sixteen", config: http, regions, regionQuorum: 16 });
    expect(await row(m.id)).toMatchObject({ regions, regionQuorum: 16 });
  });
});

describe("updateMonitor: regions and quorum", () => {
  it("changes regions and quorum, auditing before and after", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, { name: "edit regions", config: http });
    const r = await updateMonitor(ctx, { monitorId: m.id, regions: ["eu-west", "us-east"], regionQuorum: 2 });
    expect(r).toMatchObject({ regions: ["eu-west", "us-east"], regionQuorum: 2 });
    expect(await row(m.id)).toMatchObject({ regions: ["eu-west", "us-east"], regionQuorum: 2 });
    const audit = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" })).find(
      (a) => a.targetId === m.id,
    );
    expect(audit?.metadata).toEqual({
      fields: ["regions", "regionQuorum"],
      changes: {
        regions: { from: ["local"], to: ["eu-west", "us-east"] },
        regionQuorum: { from: 1, to: 2 },
      },
    });
    // Unchanged values are listed as sent but not as changes.
    await updateMonitor(ctx, { monitorId: m.id, regionQuorum: 2, name: "edit regions 2" });
    const second = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" })).find(
      (a) => a.targetId === m.id,
    );
    expect(second?.metadata).toEqual({
      fields: ["name", "regionQuorum"],
      changes: { name: { from: "edit regions", to: "edit regions 2" } },
    });
  });

  it("a quorum above the (new or stored) region count is a field error and changes nothing", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, { name: "guarded", config: http, regions: ["a", "b", "c"], regionQuorum: 3 });
    const before = await row(m.id);
    const audits = (await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" })).length;

    // Shrinking the regions below the stored quorum, without lowering it.
    const e1 = await updateMonitor(ctx, { monitorId: m.id, regions: ["a", "b"], name: "renamed" }).catch((e) => e);
    expect(e1).toBeInstanceOf(ValidationError);
    expect((e1 as ValidationError).details).toEqual({
      field: "regionQuorum",
      fields: { regionQuorum: "Down needs 3 regions to agree but the monitor has only 2 regions" },
    });
    // Raising the quorum above the stored regions.
    await expect(updateMonitor(ctx, { monitorId: m.id, regionQuorum: 4 })).rejects.toBeInstanceOf(ValidationError);
    // Both at once but still inconsistent.
    await expect(updateMonitor(ctx, { monitorId: m.id, regions: ["a"], regionQuorum: 2 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // Malformed region names are rejected by the schema.
    await expect(updateMonitor(ctx, { monitorId: m.id, regions: ["Not OK"] })).rejects.toThrow();

    const after = await row(m.id);
    expect(after).toEqual(before);
    expect((await auditRows({ tenantId: w.tenants.A.id, action: "monitor.update" })).length).toBe(audits);

    await updateMonitor(ctx, { monitorId: m.id, regions: ["a", "b"], regionQuorum: 2 });
    expect(await row(m.id)).toMatchObject({ regions: ["a", "b"], regionQuorum: 2 });
  });

  it("tenancy: a foreign monitor is NotFound (nothing changes); a viewer is Forbidden", async () => {
    const ctx = await engineer();
    const foreign = await row(w.tenants.B.monitorId);
    await expect(
      updateMonitor(ctx, { monitorId: w.tenants.B.monitorId, regions: ["eu"], regionQuorum: 1 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await row(w.tenants.B.monitorId)).toEqual(foreign);
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    await expect(updateMonitor(viewer, { monitorId: w.tenants.A.monitorId, regions: ["eu"] })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe("HEARTBEAT monitors in the form", () => {
  it("listMonitorKinds offers HEARTBEAT as creatable push kind with its grace schema", async () => {
    const kinds = listMonitorKinds(await engineer());
    const hb = kinds.find((k) => k.kind === "HEARTBEAT");
    expect(hb).toMatchObject({ creatable: true, push: true });
    expect(hb?.configSchema).toMatchObject({ properties: { graceSeconds: { type: "integer", minimum: 0 } } });
    expect(kinds.find((k) => k.kind === "HTTP")).toMatchObject({ creatable: true, push: false });
  });

  it("config edits are validated by the heartbeat schema; bad grace is a config field error", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, { name: "backup job", kind: "HEARTBEAT", intervalSeconds: 3600 });
    const hash = (await row(m.id)).heartbeatTokenHash;
    await updateMonitor(ctx, { monitorId: m.id, config: { graceSeconds: 600 }, intervalSeconds: 7200 });
    expect(await row(m.id)).toMatchObject({
      config: { graceSeconds: 600 },
      intervalSeconds: 7200,
      heartbeatTokenHash: hash,
    });
    const e = await updateMonitor(ctx, { monitorId: m.id, config: { graceSeconds: -5 } }).catch((x) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).details).toEqual({
      field: "config",
      fields: { "config.graceSeconds": "Grace must be between 0 and 86400 seconds" },
    });
    expect((await row(m.id)).config).toEqual({ graceSeconds: 600 });
  });

  it("getMonitor returns the cadence and when the next beat is due, never the token or its hash", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, {
      name: "nightly",
      kind: "HEARTBEAT",
      intervalSeconds: 600,
      config: { graceSeconds: 60 },
    });
    const beat = new Date(Date.now() - 30_000);
    await withSystem((tx) => tx.monitor.update({ where: { id: m.id }, data: { lastHeartbeatAt: beat } }));
    const d = await getMonitor(ctx, { monitorId: m.id });
    expect(d.heartbeat).toEqual({
      lastHeartbeatAt: beat,
      intervalSeconds: 600,
      graceSeconds: 60,
      dueBy: new Date(beat.getTime() + 660_000),
    });
    const text = JSON.stringify(d);
    expect(text).not.toContain(m.heartbeatToken);
    expect(text).not.toContain((await row(m.id)).heartbeatTokenHash);
    expect((await getMonitor(ctx, { monitorId: w.tenants.A.monitorId })).heartbeat).toBeNull();
  });
});

describe("getMonitor: per-region states and incidents per day", () => {
  it("one row per configured region; a region without a state row is UNKNOWN with no data", async () => {
    const ctx = await engineer();
    const m = await createMonitor(ctx, {
      name: "regional",
      config: http,
      regions: ["eu", "us", "ap"],
      regionQuorum: 2,
    });
    const checked = new Date(Date.now() - 5_000);
    await withSystem((tx) =>
      tx.monitorRegionState.createMany({
        data: [
          {
            monitorId: m.id,
            tenantId: w.tenants.A.id,
            region: "eu",
            state: "UP",
            lastCheckedAt: checked,
            lastLatencyMs: 42,
          },
          {
            monitorId: m.id,
            tenantId: w.tenants.A.id,
            region: "us",
            state: "DOWN",
            lastCheckedAt: checked,
            lastLatencyMs: null,
            lastError: "connect ECONNREFUSED",
            consecutiveFailures: 3,
          },
          // A region the monitor no longer uses is not shown.
          { monitorId: m.id, tenantId: w.tenants.A.id, region: "old", state: "DOWN" },
        ],
      }),
    );
    const d = await getMonitor(ctx, { monitorId: m.id });
    expect(d.monitor).toMatchObject({ regions: ["eu", "us", "ap"], regionQuorum: 2 });
    expect(d.regionStates).toEqual([
      expect.objectContaining({
        region: "eu",
        state: "UP",
        lastCheckedAt: checked,
        lastLatencyMs: 42,
        lastError: null,
      }),
      expect.objectContaining({
        region: "us",
        state: "DOWN",
        lastError: "connect ECONNREFUSED",
        consecutiveFailures: 3,
      }),
      {
        region: "ap",
        state: "UNKNOWN",
        lastCheckedAt: null,
        lastLatencyMs: null,
        lastError: null,
        consecutiveFailures: 0,
        consecutiveSuccesses: 0,
        updatedAt: null,
      },
    ]);
  });

  it("incidentsByDay maps each tenant-zone day to the incidents overlapping it", async () => {
    const ctx = await engineer();
    const m = await createMonitorRow(w.tenants.A.id, { name: "with incidents" });
    const now = Date.now();
    const DAY = 86_400_000;
    // Resolved 3 days ago after a day open (spans two or three local days), one resolved before the
    // window, and one open since an hour ago (one open incident per monitor at most).
    const old = await createIncident(w.tenants.A.id, {
      monitorId: m.id,
      status: "RESOLVED",
      openedAt: new Date(now - 4 * DAY),
    });
    await withSystem((tx) =>
      tx.incident.update({ where: { id: old.id }, data: { resolvedAt: new Date(now - 3 * DAY) } }),
    );
    await createIncident(w.tenants.A.id, { monitorId: m.id, status: "RESOLVED", openedAt: new Date(now - 200 * DAY) });
    const open = await createIncident(w.tenants.A.id, { monitorId: m.id, openedAt: new Date(now - 3_600_000) });
    // Another monitor's incident is not listed.
    const other = await createMonitorRow(w.tenants.A.id);
    await createIncident(w.tenants.A.id, { monitorId: other.id, openedAt: new Date(now - DAY) });

    const d = await getMonitor(ctx, { monitorId: m.id });
    expect(d.incidents90d.map((i) => i.id).sort()).toEqual([old.id, open.id].sort());
    const dates = d.days90.map((x) => x.date);
    const today = dates.at(-1) ?? "";
    expect(d.incidentsByDay[today]).toContain(open.id);
    const withOld = Object.entries(d.incidentsByDay)
      .filter(([, ids]) => ids.includes(old.id))
      .map(([date]) => date);
    expect(withOld.length).toBeGreaterThanOrEqual(2);
    expect(withOld.length).toBeLessThanOrEqual(3);
    for (const date of Object.keys(d.incidentsByDay)) expect(dates).toContain(date);
  });
});

describe("listMonitorRegions", () => {
  it("local, the fleet's regions (live or not) and the tenant's own regions, never another tenant's", async () => {
    const now = Date.now();
    await withSystem((tx) =>
      tx.probeWorker.createMany({
        data: [
          {
            id: `w-eu-${now}`,
            region: "fleet-eu",
            hostname: "h1",
            pid: 1,
            startedAt: new Date(now - 60_000),
            lastHeartbeatAt: new Date(now - 2_000),
          },
          {
            id: `w-us-${now}`,
            region: "fleet-us",
            hostname: "h2",
            pid: 2,
            startedAt: new Date(now - 9e6),
            lastHeartbeatAt: new Date(now - 3_600_000),
          },
          {
            id: `w-gone-${now}`,
            region: "fleet-gone",
            hostname: "h3",
            pid: 3,
            startedAt: new Date(now - 9e7),
            lastHeartbeatAt: new Date(now - 2 * 86_400_000),
          },
        ],
      }),
    );
    const ctxB = await tenantContext(w.personas.providerAdmin.user, w.tenants.B.id);
    await createMonitor(ctxB, { name: "b only", config: http, regions: ["tenant-b-only"] });
    const ctxA = await engineer();
    await createMonitor(ctxA, { name: "a region", config: http, regions: ["tenant-a-only", "fleet-eu"] });

    const regions = await listMonitorRegions(ctxA);
    const by = new Map(regions.map((r) => [r.region, r]));
    expect(by.get("fleet-eu")).toMatchObject({ live: true, workers: 1, monitors: 1 });
    expect(by.get("fleet-us")).toMatchObject({ live: false, workers: 1 });
    expect(by.get("tenant-a-only")).toMatchObject({ live: false, workers: 0, monitors: 1 });
    expect(by.has("local")).toBe(true);
    expect(by.has("fleet-gone")).toBe(false);
    expect(by.has("tenant-b-only")).toBe(false);
    // Live regions first.
    expect(regions[0]?.live).toBe(true);
    // Readers may list them (the detail page), no row id or host comes back.
    const viewer = await tenantContext(w.personas.clientViewerA.user, w.tenants.A.id);
    const seen = JSON.stringify(await listMonitorRegions(viewer));
    expect(seen).not.toContain("h1");
    expect(seen).not.toContain(`w-eu-${now}`);
  });
});
