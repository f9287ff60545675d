import type { Tx } from "@steward/db";
import { type IncidentAction, transitionIncident } from "@steward/domain";
import { emitAudit } from "../audit/emit-audit.ts";
import { actorId, type ServiceContext } from "../context.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { incidentSummarySelect, insertIncidentEvents } from "./incident-events.ts";

/**
 * Shared body of the incident verbs: load (tenant-filtered; a foreign id is NotFound), apply the domain
 * state machine (illegal → Conflict), write with a compare-and-set on the status (a concurrent change →
 * Conflict), append the timeline event and the audit row, all in the caller's transaction.
 */
export async function applyIncidentAction(
  tx: Tx,
  ctx: ServiceContext,
  incidentId: string,
  action: IncidentAction,
  auditAction: string,
) {
  const tenantId = ctx.tenant?.id ?? "";
  const incident = await tx.incident.findFirst({
    where: { id: incidentId, tenantId },
    select: { id: true, status: true, acknowledgedAt: true, resolvedAt: true },
  });
  if (!incident) throw new NotFoundError("Incident not found");
  const now = new Date();
  const t = transitionIncident(incident, action, now);
  if (!t.ok) throw new ConflictError(t.reason, { status: incident.status });

  if (t.statusChanged) {
    const by = actorId(ctx.actor);
    const isUser = ctx.actor.type === "USER";
    const data = {
      status: t.next.status,
      acknowledgedAt: t.next.acknowledgedAt,
      resolvedAt: t.next.resolvedAt,
      ...(action.type === "acknowledge" ? { acknowledgedById: isUser ? by : null } : {}),
      ...(action.type === "resolve" ? { resolvedById: isUser ? by : null } : {}),
      ...(action.type === "reopen" ? { acknowledgedById: null, resolvedById: null } : {}),
    };
    const updated = await tx.incident.updateMany({
      where: { id: incident.id, tenantId, status: incident.status },
      data,
    });
    if (updated.count !== 1) throw new ConflictError("The incident changed meanwhile; reload and retry");
  }
  await insertIncidentEvents(tx, { tenantId, incidentId: incident.id, actor: ctx.actor, events: t.events, at: now });
  await emitAudit(tx, ctx, {
    action: auditAction,
    targetType: "incident",
    targetId: incident.id,
    metadata: { from: incident.status, to: t.next.status },
  });
  return tx.incident.findFirstOrThrow({ where: { id: incident.id, tenantId }, select: incidentSummarySelect });
}
