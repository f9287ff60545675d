import type { Tx } from "@steward/db";
import { isProviderRole } from "@steward/domain";
import { type Actor, actorId, actorLabel, type ServiceContext } from "../context.ts";

export interface AuditEntry {
  /** `entity.verb`, e.g. `incident.acknowledge`. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Record<string, unknown>;
  /** Defaults to ctx.tenant?.id. */
  tenantId?: string | null;
}

/** Writes one audit_logs row inside the caller's transaction (so it commits or rolls back with the change). */
export async function emitAudit(
  tx: Tx,
  ctx: Pick<ServiceContext, "actor" | "tenant" | "requestId" | "ip">,
  entry: AuditEntry,
) {
  await insertAudit(tx, {
    actor: ctx.actor,
    tenantId: entry.tenantId !== undefined ? entry.tenantId : (ctx.tenant?.id ?? null),
    requestId: ctx.requestId,
    ip: ctx.ip ?? null,
    ...entry,
  });
}

export interface RawAuditEntry extends AuditEntry {
  actor: Actor;
  /** Overrides the label derived from the actor (e.g. the e-mail typed at a failed login). */
  actorLabel?: string;
  /** Overrides the id derived from the actor (null for an unknown user at a failed login). */
  actorId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

export async function insertAudit(tx: Tx, e: RawAuditEntry) {
  // createMany: a plain INSERT without RETURNING, so a NULL-tenant row never needs to pass the SELECT policy.
  await tx.auditLog.createMany({
    data: [
      {
        tenantId: e.tenantId ?? null,
        actorType: e.actor.type,
        actorId: e.actorId !== undefined ? e.actorId : actorId(e.actor),
        actorLabel: e.actorLabel ?? actorLabel(e.actor),
        action: e.action,
        targetType: e.targetType ?? null,
        targetId: e.targetId ?? null,
        requestId: e.requestId ?? null,
        ip: e.ip ?? null,
        metadata: (e.metadata ?? {}) as object,
      },
    ],
  });
}

/**
 * Provider staff reading a client tenant's data leave a `tenant.read` row (product.md: every cross-tenant
 * read by provider staff is audited). One insert per tenant read procedure, inside its transaction.
 */
export async function auditTenantRead(tx: Tx, ctx: ServiceContext, what: string, targetId?: string | null) {
  if (!ctx.tenant || !ctx.role || !isProviderRole(ctx.role)) return;
  await emitAudit(tx, ctx, {
    action: "tenant.read",
    targetType: targetId ? what.split(".")[0] : "tenant",
    targetId: targetId ?? ctx.tenant.id,
    metadata: { what },
  });
}
