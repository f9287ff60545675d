import type { SqlClient } from "../probe/sql.ts";
import { insertIncidentEvent, insertSystemAudit } from "../probe/system-writes.ts";

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
 * probe ingest transaction).
 */
export async function resolveIncidentForMonitor(
  db: SqlClient,
  input: ResolveIncidentForMonitorInput,
): Promise<{ incidentId: string; number: number } | null> {
  const resolved = await db.query<{ id: string; number: number }>(
    `UPDATE incidents
        SET status = 'RESOLVED', resolved_at = $3, resolved_by_id = NULL, updated_at = now()
      WHERE monitor_id = $1 AND tenant_id = $2 AND status <> 'RESOLVED'
      RETURNING id, number`,
    [input.monitorId, input.tenantId, input.at],
  );
  const row = resolved.rows[0];
  if (!row) return null;
  await insertIncidentEvent(db, {
    tenantId: input.tenantId,
    incidentId: row.id,
    kind: "RESOLVED",
    message: "Monitor recovered",
    at: input.at,
  });
  await insertSystemAudit(db, {
    tenantId: input.tenantId,
    action: "incident.resolve",
    targetId: row.id,
    metadata: { monitorId: input.monitorId, number: row.number, automatic: true },
  });
  return { incidentId: row.id, number: row.number };
}
