import {
  type IncidentAction,
  type IncidentSnapshot,
  newIncident,
  type TimelineEventDraft,
  transitionIncident,
} from "@steward/domain";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlClient } from "../probe/sql.ts";
import { openIncidentForMonitor } from "./open-incident-for-monitor.ts";
import { resolveIncidentForMonitor } from "./resolve-incident-for-monitor.ts";

// The worker path (raw SQL inside the probe ingest) must write exactly what the domain state machine
// decides for the same action — the verbs' path (transitionIncident) and this one share one definition.
let admin: pg.Pool;
let tenantId: string;
let userId: string;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const org = await admin.query<{ id: string }>(
    `INSERT INTO organizations (kind, name, slug) VALUES ('CLIENT', 'Machine Co', 'machine-co') RETURNING id`,
  );
  tenantId = org.rows[0]!.id;
  const user = await admin.query<{ id: string }>(
    `INSERT INTO users (email, name, password_hash) VALUES ('oncall@machine.example', 'On Call', 'x') RETURNING id`,
  );
  userId = user.rows[0]!.id;
});

afterAll(async () => {
  await admin.end();
});

/** One transaction, as the probe ingest runs these. */
async function inTx<T>(fn: (db: SqlClient) => Promise<T>): Promise<T> {
  const client = await admin.connect();
  try {
    await client.query("BEGIN");
    const r = await fn(client);
    await client.query("COMMIT");
    return r;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    client.release();
  }
}

async function snapshot(id: string) {
  const { rows } = await admin.query(
    `SELECT status, acknowledged_at, acknowledged_by_id, resolved_at, resolved_by_id FROM incidents WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  return {
    snap: { status: r.status, acknowledgedAt: r.acknowledged_at, resolvedAt: r.resolved_at } as IncidentSnapshot,
    acknowledgedById: r.acknowledged_by_id as string | null,
    resolvedById: r.resolved_by_id as string | null,
  };
}

async function lastEvent(id: string): Promise<TimelineEventDraft> {
  const { rows } = await admin.query<{ kind: TimelineEventDraft["kind"]; message: string }>(
    `SELECT kind, message FROM incident_events WHERE incident_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
    [id],
  );
  return rows[0]!;
}

/** The domain's verdict for `action` on the row as it is now. */
async function expected(id: string, action: IncidentAction, at: Date) {
  const t = transitionIncident((await snapshot(id)).snap, action, at);
  if (!t.ok) throw new Error(t.reason);
  return t;
}

describe("open/resolveIncidentForMonitor follow the domain state machine (real Postgres)", () => {
  it("opens, resolves an acknowledged incident, reopens and refuses a second resolve exactly as transitionIncident says", async () => {
    const { rows } = await admin.query<{ id: string }>(
      `INSERT INTO monitors (tenant_id, name, kind, config, interval_seconds)
       VALUES ($1, 'api', 'HTTP', '{"url":"http://127.0.0.1:1/"}', 10) RETURNING id`,
      [tenantId],
    );
    const monitorId = rows[0]!.id;
    const t0 = new Date(Date.UTC(2026, 11, 4, 12, 0, 0));
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);

    const opened = await inTx((db) =>
      openIncidentForMonitor(db, { tenantId, monitorId, monitorName: "api", at: t0, reason: "timeout" }),
    );
    expect(opened.outcome).toBe("opened");
    const id = opened.incidentId;
    const fresh = newIncident("api is down: timeout");
    expect((await snapshot(id)).snap).toEqual(fresh.snapshot);
    expect(await lastEvent(id)).toEqual(fresh.events[0]);

    // A person acknowledges (the verbs' path), then the monitor recovers: the worker resolves.
    await admin.query(
      `UPDATE incidents SET status = 'ACKNOWLEDGED', acknowledged_at = $2, acknowledged_by_id = $3 WHERE id = $1`,
      [id, at(1), userId],
    );
    const resolve = await expected(id, { type: "resolve", reason: "Monitor recovered" }, at(2));
    expect(await inTx((db) => resolveIncidentForMonitor(db, { tenantId, monitorId, at: at(2) }))).toMatchObject({
      incidentId: id,
    });
    const afterResolve = await snapshot(id);
    expect(afterResolve.snap).toEqual(resolve.next);
    // Resolving is not acknowledging: the acknowledgement and its user stay (as long as the machine keeps it).
    expect(afterResolve.acknowledgedById).toBe(resolve.next.acknowledgedAt ? userId : null);
    expect(afterResolve.resolvedById).toBeNull(); // the system actor is no user
    expect(await lastEvent(id)).toEqual(resolve.events[0]);

    // Already resolved: the machine says resolve is illegal, and the worker changes nothing.
    expect(transitionIncident(afterResolve.snap, { type: "resolve" }, at(3)).ok).toBe(false);
    expect(await inTx((db) => resolveIncidentForMonitor(db, { tenantId, monitorId, at: at(3) }))).toBeNull();
    expect((await snapshot(id)).snap).toEqual(resolve.next);

    // Down again within the reopen window: the same incident, stamps and their users cleared.
    const reopen = await expected(id, { type: "reopen", reason: "api is down again: 503" }, at(4));
    const again = await inTx((db) =>
      openIncidentForMonitor(db, { tenantId, monitorId, monitorName: "api", at: at(4), reason: "503" }),
    );
    expect(again).toMatchObject({ outcome: "reopened", incidentId: id });
    const afterReopen = await snapshot(id);
    expect(afterReopen).toEqual({ snap: reopen.next, acknowledgedById: null, resolvedById: null });
    expect(await lastEvent(id)).toEqual(reopen.events[0]);
  });
});
