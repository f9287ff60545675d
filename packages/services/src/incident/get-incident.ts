import { legalActions } from "@steward/domain";
import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const GetIncidentInput = z.object({ incidentId: z.uuid() });
export type GetIncidentInput = z.input<typeof GetIncidentInput>;

/** One incident with its timeline (oldest first) and the actions its status allows. */
export async function getIncident(ctx: ServiceContext, rawInput: GetIncidentInput) {
  requirePermission(ctx, "incident:read");
  const input = GetIncidentInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    const incident = await tx.incident.findFirst({
      where: { id: input.incidentId, tenantId: ctx.tenant!.id },
      select: {
        id: true,
        number: true,
        title: true,
        status: true,
        priority: true,
        openedAt: true,
        acknowledgedAt: true,
        acknowledgedById: true,
        resolvedAt: true,
        resolvedById: true,
        monitor: { select: { id: true, name: true, state: true, stateSince: true } },
        events: {
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          select: { id: true, kind: true, message: true, actorType: true, actorLabel: true, createdAt: true },
        },
      },
    });
    if (!incident) throw new NotFoundError("Incident not found");
    await auditTenantRead(tx, ctx, "incident.get", incident.id);
    const canWrite = ctx.permissions.has("incident:write");
    return { ...incident, allowedActions: canWrite ? legalActions(incident.status) : [] };
  });
}
