import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestProbeResults } from "./ingest-probe-results.ts";
import type { ProbeResultRow } from "./probe-result-row.ts";

// Real Postgres (this file's own database, cloned from the migrated template). Fixtures are written as
// the admin role; ingest runs on the system pool like in the worker.
let admin: pg.Pool;
let tenantId: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Ingest Co', 'ingest-co') RETURNING id`,
  );
  tenantId = rows[0]!.id;
});

afterAll(async () => {
  await admin.end(); // the harness closes the system pool (disconnectAll)
});

let n = 0;
async function createMonitor(over: { confirmations?: number; recoveryThreshold?: number; degradedMs?: number } = {}) {
  n++;
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds, confirmations, recovery_threshold, degraded_threshold_ms)
     VALUES ($1, $2, 'HTTP', '{"url":"http://127.0.0.1:1/"}', 10, $3, $4, $5) RETURNING id`,
    [tenantId, `mon-${n}`, over.confirmations ?? 2, over.recoveryThreshold ?? 1, over.degradedMs ?? null],
  );
  return rows[0]!.id;
}

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
function row(monitorId: string, slot: number, state: ProbeResultRow["state"], extra: Partial<ProbeResultRow> = {}) {
  const scheduledAt = new Date(T0 + slot * 10_000);
  return {
    monitorId,
    tenantId,
    scheduledAt,
    checkedAt: new Date(scheduledAt.getTime() + 50),
    state,
    latencyMs: state === "DOWN" ? null : 42,
    statusCode: state === "DOWN" ? 503 : 200,
    error: state === "DOWN" ? "unexpected status 503" : null,
    ...extra,
  } satisfies ProbeResultRow;
}

async function monitorRow(id: string) {
  const { rows } = await admin.query(
    `SELECT state, consecutive_failures, consecutive_successes, last_error, last_latency_ms FROM monitors WHERE id = $1`,
    [id],
  );
  return rows[0];
}
async function intervals(id: string) {
  const { rows } = await admin.query<{ state: string; started_at: Date; ended_at: Date | null }>(
    `SELECT state, started_at, ended_at FROM state_intervals WHERE monitor_id = $1 ORDER BY started_at`,
    [id],
  );
  return rows;
}
async function incidents(id: string) {
  const { rows } = await admin.query<{ id: string; number: number; status: string }>(
    `SELECT id, number, status FROM incidents WHERE monitor_id = $1 ORDER BY opened_at`,
    [id],
  );
  return rows;
}

describe("ingestProbeResults (real Postgres)", () => {
  it("DOWN after `confirmations` failures opens one incident; recovery resolves it; replays change nothing", async () => {
    const m = await createMonitor();

    let s = await ingestProbeResults([row(m, 1, "DOWN")]);
    expect(s).toMatchObject({ inserted: 1, evaluated: 1, incidentsOpened: 0 });
    expect(await monitorRow(m)).toMatchObject({ state: "UNKNOWN", consecutive_failures: 1 });
    expect((await intervals(m)).map((i) => i.state)).toEqual(["UNKNOWN"]);

    s = await ingestProbeResults([row(m, 2, "DOWN")]);
    expect(s).toMatchObject({ inserted: 1, incidentsOpened: 1 });
    expect(s.changes).toEqual([expect.objectContaining({ monitorId: m, from: "UNKNOWN", to: "DOWN" })]);
    expect(await monitorRow(m)).toMatchObject({ state: "DOWN", last_error: "unexpected status 503" });
    const iv = await intervals(m);
    expect(iv.map((i) => i.state)).toEqual(["UNKNOWN", "DOWN"]);
    expect(iv[0]!.ended_at?.getTime()).toBe(iv[1]!.started_at.getTime());
    expect(iv[1]!.ended_at).toBeNull();
    const [inc] = await incidents(m);
    expect(inc).toMatchObject({ status: "TRIGGERED" });

    // Replaying the same slot (a retried job) inserts nothing and evaluates nothing.
    s = await ingestProbeResults([row(m, 2, "DOWN")]);
    expect(s).toMatchObject({ inserted: 0, evaluated: 0, changes: [] });
    // Still failing: no second incident.
    s = await ingestProbeResults([row(m, 3, "DOWN")]);
    expect(s).toMatchObject({ inserted: 1, incidentsOpened: 0 });
    expect(await incidents(m)).toHaveLength(1);

    s = await ingestProbeResults([row(m, 4, "UP")]);
    expect(s).toMatchObject({ incidentsResolved: 1 });
    expect(await monitorRow(m)).toMatchObject({
      state: "UP",
      consecutive_successes: 1,
      last_latency_ms: 42,
      last_error: null,
    });
    expect(await incidents(m)).toEqual([expect.objectContaining({ id: inc!.id, status: "RESOLVED" })]);

    const { rows: events } = await admin.query(
      `SELECT kind, actor_type, actor_label FROM incident_events WHERE incident_id = $1 ORDER BY created_at`,
      [inc!.id],
    );
    expect(events).toEqual([
      { kind: "OPENED", actor_type: "SYSTEM", actor_label: "system:probe" },
      { kind: "RESOLVED", actor_type: "SYSTEM", actor_label: "system:probe" },
    ]);
    const { rows: audit } = await admin.query(
      `SELECT action, actor_label, tenant_id FROM audit_logs WHERE target_id = $1 ORDER BY id`,
      [inc!.id],
    );
    expect(audit).toEqual([
      { action: "incident.open", actor_label: "system:probe", tenant_id: tenantId },
      { action: "incident.resolve", actor_label: "system:probe", tenant_id: tenantId },
    ]);

    // Down again within the reopen window: the same incident is reopened, not a new one.
    s = await ingestProbeResults([row(m, 5, "DOWN"), row(m, 6, "DOWN")]);
    expect(s).toMatchObject({ inserted: 2, incidentsReopened: 1, incidentsOpened: 0 });
    expect(await incidents(m)).toEqual([expect.objectContaining({ id: inc!.id, status: "TRIGGERED" })]);
    expect((await intervals(m)).map((i) => i.state)).toEqual(["UNKNOWN", "DOWN", "UP", "DOWN"]);
  });

  it("unknown outcomes are stored; only `confirmations` of them in a row make the monitor UNKNOWN", async () => {
    const m = await createMonitor({ confirmations: 2 });
    await ingestProbeResults([row(m, 1, "UP")]);
    const aborted = { error: "probe aborted", latencyMs: null, statusCode: null };
    const s = await ingestProbeResults([row(m, 2, "UNKNOWN", aborted)]);
    expect(s).toMatchObject({ inserted: 1, evaluated: 1, changes: [] });
    expect(await monitorRow(m)).toMatchObject({ state: "UP", consecutive_successes: 1, last_error: "probe aborted" });
    const s2 = await ingestProbeResults([row(m, 3, "UNKNOWN", aborted)]);
    expect(s2.changes).toMatchObject([{ from: "UP", to: "UNKNOWN" }]);
    expect((await intervals(m)).map((i) => i.state)).toEqual(["UP", "UNKNOWN"]);
    // the next real answer decides again at once (the monitor had no failure streak)
    expect((await ingestProbeResults([row(m, 4, "UP")])).changes).toMatchObject([{ from: "UNKNOWN", to: "UP" }]);
  });

  it("slow answers are DEGRADED; a whole flush is evaluated in scheduled order", async () => {
    const m = await createMonitor({ degradedMs: 1000 });
    // Deliberately out of order inside the flush.
    const s = await ingestProbeResults([
      row(m, 3, "UP", { latencyMs: 50 }),
      row(m, 1, "UP"),
      row(m, 2, "DEGRADED", { latencyMs: 1500 }),
    ]);
    expect(s.changes.map((c) => c.to)).toEqual(["UP", "DEGRADED", "UP"]);
    expect((await intervals(m)).map((i) => i.state)).toEqual(["UP", "DEGRADED", "UP"]);
  });

  it("concurrent flushes of the same failures still give one incident, and tenant numbers stay distinct", async () => {
    const a = await createMonitor();
    const b = await createMonitor();
    const batch = [row(a, 1, "DOWN"), row(a, 2, "DOWN"), row(b, 1, "DOWN"), row(b, 2, "DOWN")];
    const results = await Promise.all([
      ingestProbeResults(batch),
      ingestProbeResults(batch),
      ingestProbeResults(batch),
    ]);
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(4);
    expect(results.reduce((sum, r) => sum + r.incidentsOpened, 0)).toBe(2);
    const ia = await incidents(a);
    const ib = await incidents(b);
    expect(ia).toHaveLength(1);
    expect(ib).toHaveLength(1);
    expect(ia[0]!.number).not.toBe(ib[0]!.number);
  });
});
