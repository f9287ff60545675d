import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestProbeResults } from "../probe/ingest-probe-results.ts";
import type { ProbeResultRow } from "../probe/probe-result-row.ts";
import { markSilentRegionsUnknown } from "./mark-silent-regions-unknown.ts";

// Multi-region monitors on real Postgres: per-region state machines, the N-of-M quorum verdict, incidents,
// and the no-data watchdog. Fixtures are written as the admin role; ingest runs on the system pool.
let admin: pg.Pool;
let tenantId: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Regions Co', 'regions-co') RETURNING id`,
  );
  tenantId = rows[0]!.id;
});
afterAll(async () => {
  await admin.end();
});

let n = 0;
async function createMonitor(regions: string[], quorum: number, over: { createdAt?: Date; paused?: boolean } = {}) {
  n++;
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, confirmations, recovery_threshold,
                           regions, region_quorum, created_at, paused)
     VALUES ($1, $2, 'HTTP', '{"url":"http://127.0.0.1:1/"}', 10, 2, 1, $3, $4, $5, $6) RETURNING id`,
    [tenantId, `mon-${n}`, regions, quorum, over.createdAt ?? new Date(), over.paused ?? false],
  );
  return rows[0]!.id;
}

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
function row(monitorId: string, region: string, slot: number, state: ProbeResultRow["state"]): ProbeResultRow {
  const scheduledAt = new Date(T0 + slot * 10_000);
  return {
    monitorId,
    tenantId,
    region,
    scheduledAt,
    checkedAt: new Date(scheduledAt.getTime() + 50 + region.length), // regions answer a few ms apart
    state,
    latencyMs: state === "DOWN" ? null : 42,
    statusCode: state === "DOWN" ? 503 : 200,
    error: state === "DOWN" ? `503 from ${region}` : null,
  };
}
const all = (m: string, slot: number, states: Record<string, ProbeResultRow["state"]>) =>
  Object.entries(states).map(([region, state]) => row(m, region, slot, state));

async function monitorState(id: string) {
  const { rows } = await admin.query<{ state: string }>(`SELECT state FROM monitors WHERE id = $1`, [id]);
  return rows[0]!.state;
}
async function regionStates(id: string) {
  const { rows } = await admin.query<{ region: string; state: string }>(
    `SELECT region, state FROM monitor_region_states WHERE monitor_id = $1 ORDER BY region`,
    [id],
  );
  return Object.fromEntries(rows.map((r) => [r.region, r.state]));
}
async function openIncidents(id: string) {
  const { rows } = await admin.query(`SELECT id FROM incidents WHERE monitor_id = $1 AND status <> 'RESOLVED'`, [id]);
  return rows.length;
}

describe("multi-region monitors (N of M)", () => {
  it("one failing region of three (N = 2) is a partial outage, not DOWN; two are DOWN with one incident", async () => {
    const m = await createMonitor(["eu", "us", "ap"], 2);
    await ingestProbeResults(all(m, 1, { eu: "UP", us: "UP", ap: "UP" }));
    expect(await monitorState(m)).toBe("UP");

    // eu fails twice (its confirmations): eu is DOWN, the monitor only DEGRADED, no incident.
    await ingestProbeResults(all(m, 2, { eu: "DOWN", us: "UP", ap: "UP" }));
    await ingestProbeResults(all(m, 3, { eu: "DOWN", us: "UP", ap: "UP" }));
    expect(await regionStates(m)).toEqual({ ap: "UP", eu: "DOWN", us: "UP" });
    expect(await monitorState(m)).toBe("DEGRADED");
    expect(await openIncidents(m)).toBe(0);

    // us fails twice too: 2 of 3 agree → DOWN, exactly one incident.
    const s = [
      await ingestProbeResults(all(m, 4, { eu: "DOWN", us: "DOWN", ap: "UP" })),
      await ingestProbeResults(all(m, 5, { eu: "DOWN", us: "DOWN", ap: "UP" })),
    ];
    expect(s.flatMap((x) => x.changes).map((c) => c.to)).toEqual(["DOWN"]);
    expect(await openIncidents(m)).toBe(1);

    // eu recovers: back under the quorum → DEGRADED, the incident resolves.
    await ingestProbeResults(all(m, 6, { eu: "UP", us: "DOWN", ap: "UP" }));
    expect(await monitorState(m)).toBe("DEGRADED");
    expect(await openIncidents(m)).toBe(0);
  });

  it("each region stores its own row per slot; a replay of one region's slot inserts and changes nothing", async () => {
    const m = await createMonitor(["eu", "us"], 1);
    const first = await ingestProbeResults(all(m, 1, { eu: "UP", us: "UP" }));
    expect(first).toMatchObject({ received: 2, inserted: 2 });
    const replay = await ingestProbeResults([row(m, "eu", 1, "DOWN")]);
    expect(replay).toMatchObject({ inserted: 0, evaluated: 0, changes: [] });
    const { rows } = await admin.query(`SELECT region FROM probe_results WHERE monitor_id = $1 ORDER BY region`, [m]);
    expect(rows.map((r) => r.region)).toEqual(["eu", "us"]);
  });

  it("with silent regions the verdict is UNKNOWN when they could decide, and results of a removed region are not evaluated", async () => {
    const m = await createMonitor(["eu", "us", "ap"], 2);
    await ingestProbeResults([row(m, "eu", 1, "UP")]);
    expect(await monitorState(m)).toBe("UNKNOWN"); // 1 up, 2 silent: 2 could still be down
    await ingestProbeResults([row(m, "us", 1, "UP")]);
    expect(await monitorState(m)).toBe("UP"); // even if ap were down: 1 < 2
    const s = await ingestProbeResults([row(m, "sa", 2, "DOWN"), row(m, "sa", 3, "DOWN")]);
    expect(s).toMatchObject({ inserted: 2, evaluated: 0, skippedStale: 2 });
    expect(await monitorState(m)).toBe("UP");
  });
});

describe("markSilentRegionsUnknown (the no-data watchdog)", () => {
  it("makes silent regions UNKNOWN, recomputes the verdict, keeps a DOWN monitor's incident open, and is idempotent", async () => {
    // The watchdog is cluster-wide: take this file's earlier monitors out of the picture.
    await admin.query(`UPDATE monitors SET paused = true`);
    const old = new Date(Date.now() - 3_600_000);
    const single = await createMonitor(["local"], 1, { createdAt: old });
    const pair = await createMonitor(["eu", "us"], 1, { createdAt: old });
    const down = await createMonitor(["local"], 1, { createdAt: old });
    const paused = await createMonitor(["local"], 1, { createdAt: old, paused: true });
    const fresh = await createMonitor(["local"], 1); // created just now: not silent yet
    const recent = Date.now() - 5_000;
    const at = (slotMs: number) => (r: ProbeResultRow) => ({
      ...r,
      scheduledAt: new Date(slotMs),
      checkedAt: new Date(slotMs + 5),
    });
    // single: last result an hour ago; pair: eu fresh, us an hour ago; down: DOWN an hour ago.
    await ingestProbeResults([at(old.getTime() + 1000)(row(single, "local", 0, "UP"))]);
    await ingestProbeResults([
      at(recent)(row(pair, "eu", 0, "UP")),
      at(old.getTime() + 1000)(row(pair, "us", 0, "UP")),
    ]);
    await ingestProbeResults([
      at(old.getTime() + 1000)(row(down, "local", 0, "DOWN")),
      at(old.getTime() + 11_000)(row(down, "local", 0, "DOWN")),
    ]);
    await ingestProbeResults([at(old.getTime() + 1000)(row(paused, "local", 0, "UP"))]);
    expect(await monitorState(down)).toBe("DOWN");
    expect(await openIncidents(down)).toBe(1);

    const r = await markSilentRegionsUnknown();
    expect(r.silent).toBe(3); // single/local, pair/us, down/local (not paused, not fresh, not eu)
    expect(await monitorState(single)).toBe("UNKNOWN");
    expect(await regionStates(pair)).toEqual({ eu: "UP", us: "UNKNOWN" });
    expect(await monitorState(pair)).toBe("UNKNOWN"); // N = 1: the silent region alone could be DOWN
    expect(await monitorState(down)).toBe("UNKNOWN");
    expect(await openIncidents(down)).toBe(1); // silence does not resolve an outage
    expect(await monitorState(paused)).toBe("UP");
    expect(await monitorState(fresh)).toBe("UNKNOWN");
    const { rows } = await admin.query(
      `SELECT state, ended_at FROM state_intervals WHERE monitor_id = $1 ORDER BY started_at`,
      [single],
    );
    expect(rows.map((x) => x.state)).toEqual(["UP", "UNKNOWN"]);
    expect(rows[1].ended_at).toBeNull();

    expect((await markSilentRegionsUnknown()).silent).toBe(0);

    // The region answers again: a DOWN monitor needs its recovery (threshold 1 here) and then resolves.
    await ingestProbeResults(
      [row(down, "local", 10_000_000, "UP")].map((x) => ({
        ...x,
        checkedAt: new Date(),
        scheduledAt: new Date(Date.now() - 10),
      })),
    );
    expect(await monitorState(down)).toBe("UP");
    expect(await openIncidents(down)).toBe(0);
  });

  it("a region that never reported is counted from the monitor's creation", async () => {
    const m = await createMonitor(["eu"], 1, { createdAt: new Date(Date.now() - 60_000) });
    const r = await markSilentRegionsUnknown();
    expect(r.silent).toBeGreaterThanOrEqual(1);
    expect(await regionStates(m)).toEqual({ eu: "UNKNOWN" });
    expect(await monitorState(m)).toBe("UNKNOWN");
  });
});
