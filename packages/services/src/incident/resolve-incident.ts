import { MultiLineText } from "@steward/domain";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { applyIncidentAction } from "./transition-incident-in-tx.ts";

export const ResolveIncidentInput = z.object({
  incidentId: z.uuid(),
  reason: MultiLineText({ label: "Reason", max: 2000 }).optional(),
});
export type ResolveIncidentInput = z.input<typeof ResolveIncidentInput>;

export async function resolveIncident(ctx: ServiceContext, rawInput: ResolveIncidentInput) {
  requirePermission(ctx, "incident:write");
  const input = ResolveIncidentInput.parse(rawInput);
  return withTenant(ctx, (tx) =>
    applyIncidentAction(
      tx,
      ctx,
      input.incidentId,
      input.reason ? { type: "resolve", reason: input.reason } : { type: "resolve" },
      "incident.resolve",
    ),
  );
}
