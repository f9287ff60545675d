import { getSystemPool } from "@steward/db";
import { beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "../context.ts";
import { createWorld, userContext, type World } from "../testing/factories.ts";
import { listProbeWorkers } from "./list-probe-workers.ts";
import { recordWorkerHeartbeat } from "./record-worker-heartbeat.ts";

// The fleet page's region coverage: regions used by active monitors of the tenants the actor reaches,
// with their live workers; a used region without a live worker is flagged (its monitors go UNKNOWN).
let w: World;
/** As the API builds it for an authed (not tenant) procedure: no reachable tenants in the context. */
const apiContext = async (user: World["personas"]["providerAdmin"]["user"]): Promise<ServiceContext> => ({
  ...(await userContext(user)),
  reachableTenantIds: [],
});

beforeAll(async () => {
  w = await createWorld();
  const sys = getSystemPool();
  await sys.query(`UPDATE monitors SET regions = '{eu,us}', region_quorum = 1 WHERE id = $1`, [w.tenants.A.monitorId]);
  await sys.query(`UPDATE monitors SET regions = '{ap}' WHERE id = $1`, [w.tenants.B.monitorId]);
  await sys.query(`UPDATE monitors SET regions = '{secret-x}' WHERE id = $1`, [w.tenants.X.monitorId]);
  const hb = {
    hostname: "h",
    pid: 1,
    concurrency: 10,
    startedAt: new Date(),
    lagP95Ms: 5,
    probesPerSecond: 1,
    probesTotal: 1,
  };
  await recordWorkerHeartbeat({ ...hb, id: "w-eu", region: "eu" });
  await recordWorkerHeartbeat({ ...hb, id: "w-us-stale", region: "us" });
  await sys.query(`UPDATE probe_workers SET last_heartbeat_at = now() - interval '5 minutes' WHERE id = 'w-us-stale'`);
});

describe("fleet region coverage", () => {
  it("flags used regions without a live worker first, and counts only reachable tenants' monitors", async () => {
    const admin = await listProbeWorkers(await apiContext(w.personas.providerAdmin.user));
    expect(admin.regions.filter((r) => ["eu", "us", "ap", "secret-x"].includes(r.region))).toEqual([
      { region: "ap", liveWorkers: 0, monitors: 1, uncovered: true },
      { region: "us", liveWorkers: 0, monitors: 1, uncovered: true },
      { region: "eu", liveWorkers: 1, monitors: 1, uncovered: false },
    ]);
    // Engineer scoped to A: B's region is not theirs to see; X (another provider) never appears.
    const eng = await listProbeWorkers(await apiContext(w.personas.engineerA.user));
    const names = eng.regions.map((r) => r.region);
    expect(names).toContain("us");
    expect(names).not.toContain("ap");
    expect(names).not.toContain("secret-x");
  });

  it("paused monitors do not make a region needed", async () => {
    await getSystemPool().query(`UPDATE monitors SET paused = true WHERE id = $1`, [w.tenants.B.monitorId]);
    const admin = await listProbeWorkers(await apiContext(w.personas.providerAdmin.user));
    expect(admin.regions.find((r) => r.region === "ap")).toBeUndefined();
  });
});
