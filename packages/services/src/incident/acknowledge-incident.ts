import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { applyIncidentAction } from "./transition-incident-in-tx.ts";

export const AcknowledgeIncidentInput = z.object({ incidentId: z.uuid() });
export type AcknowledgeIncidentInput = z.input<typeof AcknowledgeIncidentInput>;

export async function acknowledgeIncident(ctx: ServiceContext, rawInput: AcknowledgeIncidentInput) {
  requirePermission(ctx, "incident:write");
  const input = AcknowledgeIncidentInput.parse(rawInput);
  return withTenant(ctx, (tx) =>
    applyIncidentAction(tx, ctx, input.incidentId, { type: "acknowledge" }, "incident.acknowledge"),
  );
}
