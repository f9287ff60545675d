import { newIncident, shouldReopen } from "@steward/domain";
import type { SqlClient } from "../probe/sql.ts";
import { insertIncidentEvent, insertSystemAudit } from "../probe/system-writes.ts";
import { incidentPlanSql, planForSystem } from "./incident-plan-sql.ts";

export type IncidentPriorityValue = "P1" | "P2" | "P3" | "P4";

export interface OpenIncidentForMonitorInput {
  tenantId: string;
  monitorId: string;
  monitorName: string;
  /** When the monitor went DOWN. */
  at: Date;
  priority?: IncidentPriorityValue;
  /** Last error seen, for the timeline. */
  reason?: string | null;
}

export type OpenIncidentResult =
  | { outcome: "opened" | "reopened"; incidentId: string; number: number }
  | { outcome: "already-open"; incidentId: string; number: number };

/**
 * A monitor went DOWN: make sure it has exactly one open incident.
 *  - an open (TRIGGERED/ACKNOWLEDGED) incident already exists → nothing to do;
 *  - its last incident was resolved less than REOPEN_WINDOW_MS ago → reopen it (domain shouldReopen, then
 *    the domain's `reopen` plan as one compare-and-set UPDATE: legal source statuses, fields, event);
 *  - else insert a new incident numbered max+1 in its tenant (the domain's newIncident: status, event).
 * At most one open incident per monitor is a database rule (partial unique index
 * incidents_open_monitor_id_key): the insert is ON CONFLICT DO NOTHING, so a concurrent opener can never
 * create a second one. The per-tenant number is taken under a transaction-scoped advisory lock on the
 * tenant, so two monitors of one tenant going down at once get distinct numbers.
 *
 * Must run inside a transaction. Runs on the system client (steward_system) as actor `system:probe`:
 * it is called by the probe ingest, whose single transaction spans many tenants and must commit the
 * monitor's state change and its incident together (no window where a DOWN monitor has no incident).
 * Callers are trusted system code; every statement is still keyed by tenant_id explicitly.
 */
export async function openIncidentForMonitor(
  db: SqlClient,
  input: OpenIncidentForMonitorInput,
): Promise<OpenIncidentResult> {
  const open = await db.query<{ id: string; number: number }>(
    `SELECT id, number FROM incidents
      WHERE monitor_id = $1 AND tenant_id = $2 AND status <> 'RESOLVED'`,
    [input.monitorId, input.tenantId],
  );
  if (open.rows[0]) return { outcome: "already-open", incidentId: open.rows[0].id, number: open.rows[0].number };

  const last = await db.query<{ id: string; number: number; status: "RESOLVED"; resolved_at: Date | null }>(
    `SELECT id, number, status, resolved_at FROM incidents
      WHERE monitor_id = $1 AND tenant_id = $2
      ORDER BY opened_at DESC LIMIT 1`,
    [input.monitorId, input.tenantId],
  );
  const prev = last.rows[0];
  if (prev && shouldReopen({ status: prev.status, resolvedAt: prev.resolved_at }, input.at)) {
    const plan = planForSystem(
      { type: "reopen", reason: reasonMessage(`${input.monitorName} is down again`, input.reason) },
      input.at,
    );
    const sql = incidentPlanSql(plan, 3);
    const reopened = await db.query<{ id: string }>(
      `UPDATE incidents SET ${sql.set}
        WHERE id = $1 AND ${sql.fromGuard}
          AND NOT EXISTS (SELECT 1 FROM incidents o WHERE o.monitor_id = $2 AND o.status <> 'RESOLVED')
        RETURNING id`,
      [prev.id, input.monitorId, ...sql.values],
    );
    if (reopened.rows[0]) {
      for (const event of plan.events) {
        await insertIncidentEvent(db, { tenantId: input.tenantId, incidentId: prev.id, ...event, at: input.at });
      }
      await insertSystemAudit(db, {
        tenantId: input.tenantId,
        action: "incident.reopen",
        targetId: prev.id,
        metadata: { monitorId: input.monitorId, number: prev.number },
      });
      return { outcome: "reopened", incidentId: prev.id, number: prev.number };
    }
  }

  await db.query("SELECT pg_advisory_xact_lock(hashtext('incident-number'), hashtext($1))", [input.tenantId]);
  const title = `${input.monitorName} is down`;
  const opened = newIncident(reasonMessage(title, input.reason));
  const inserted = await db.query<{ id: string; number: number }>(
    `INSERT INTO incidents (tenant_id, number, monitor_id, title, status, priority, opened_at)
     SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $6::"IncidentStatus", $4::"IncidentPriority", $5
       FROM incidents WHERE tenant_id = $1
     ON CONFLICT (monitor_id) WHERE status <> 'RESOLVED' AND monitor_id IS NOT NULL DO NOTHING
     RETURNING id, number`,
    [input.tenantId, input.monitorId, title, input.priority ?? "P3", input.at, opened.snapshot.status],
  );
  const row = inserted.rows[0];
  if (!row) {
    // Lost a race with another opener: the partial unique index kept it to one.
    const again = await db.query<{ id: string; number: number }>(
      `SELECT id, number FROM incidents WHERE monitor_id = $1 AND status <> 'RESOLVED'`,
      [input.monitorId],
    );
    const existing = again.rows[0];
    if (!existing) throw new Error(`incident for monitor ${input.monitorId} neither inserted nor found`);
    return { outcome: "already-open", incidentId: existing.id, number: existing.number };
  }
  for (const event of opened.events) {
    await insertIncidentEvent(db, { tenantId: input.tenantId, incidentId: row.id, ...event, at: input.at });
  }
  await insertSystemAudit(db, {
    tenantId: input.tenantId,
    action: "incident.open",
    targetId: row.id,
    metadata: { monitorId: input.monitorId, number: row.number },
  });
  return { outcome: "opened", incidentId: row.id, number: row.number };
}

function reasonMessage(base: string, reason: string | null | undefined): string {
  return reason ? `${base}: ${reason}` : base;
}
