import type { SqlClient } from "../probe/sql.ts";
import { insertIncidentEvent, insertSystemAudit } from "../probe/system-writes.ts";
import { incidentPlanSql, planForSystem } from "./incident-plan-sql.ts";

export interface ResolveIncidentForMonitorInput {
  tenantId: string;
  monitorId: string;
  /** When the monitor recovered. */
  at: Date;
}

/**
 * A monitor left DOWN: resolve its open incident, if it still has one (a person may have resolved it
 * already — then nothing happens). Timeline RESOLVED "Monitor recovered", audit `incident.resolve` by
 * `system:probe`. Same transaction/client rules as openIncidentForMonitor (system client, inside the
 * probe ingest transaction). The transition is the domain's `resolve` plan, applied as one compare-and-set
 * UPDATE (its legal source statuses in the WHERE, its fields in the SET; no read first).
 */
export async function resolveIncidentForMonitor(
  db: SqlClient,
  input: ResolveIncidentForMonitorInput,
): Promise<{ incidentId: string; number: number } | null> {
  const plan = planForSystem({ type: "resolve", reason: "Monitor recovered" }, input.at);
  const sql = incidentPlanSql(plan, 3);
  const resolved = await db.query<{ id: string; number: number }>(
    `UPDATE incidents SET ${sql.set}
      WHERE monitor_id = $1 AND tenant_id = $2 AND ${sql.fromGuard}
      RETURNING id, number`,
    [input.monitorId, input.tenantId, ...sql.values],
  );
  const row = resolved.rows[0];
  if (!row) return null;
  for (const event of plan.events) {
    await insertIncidentEvent(db, { tenantId: input.tenantId, incidentId: row.id, ...event, at: input.at });
  }
  await insertSystemAudit(db, {
    tenantId: input.tenantId,
    action: "incident.resolve",
    targetId: row.id,
    metadata: { monitorId: input.monitorId, number: row.number, automatic: true },
  });
  return { incidentId: row.id, number: row.number };
}
