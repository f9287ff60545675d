import { type Actor, actorLabel } from "../context.ts";
import type { SqlClient } from "./sql.ts";

/** The actor of everything the probe pipeline does on its own ("system:probe"). */
export const PROBE_ACTOR: Actor = { type: "SYSTEM", job: "probe" };

/** Timeline event + audit row in raw SQL (the probe pipeline runs on the system `pg` pool). */
export async function insertIncidentEvent(
  db: SqlClient,
  e: { tenantId: string; incidentId: string; kind: string; message: string; at: Date; actor?: Actor },
) {
  const actor = e.actor ?? PROBE_ACTOR;
  await db.query(
    `INSERT INTO incident_events (tenant_id, incident_id, kind, message, actor_type, actor_id, actor_label, created_at)
     VALUES ($1, $2, $3::"IncidentEventKind", $4, $5::"ActorType", NULL, $6, $7)`,
    [e.tenantId, e.incidentId, e.kind, e.message, actor.type, actorLabel(actor), e.at],
  );
}

export async function insertSystemAudit(
  db: SqlClient,
  e: { tenantId: string; action: string; targetId: string; metadata: Record<string, unknown>; actor?: Actor },
) {
  const actor = e.actor ?? PROBE_ACTOR;
  await db.query(
    `INSERT INTO audit_logs (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, metadata)
     VALUES ($1, $2::"ActorType", NULL, $3, $4, 'incident', $5, $6::jsonb)`,
    [e.tenantId, actor.type, actorLabel(actor), e.action, e.targetId, JSON.stringify(e.metadata)],
  );
}
