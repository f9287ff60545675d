import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { incidentSummarySelect } from "./incident-events.ts";

export const ListIncidentsInput = z.object({
  /** OPEN = triggered or acknowledged. */
  status: z.enum(["OPEN", "TRIGGERED", "ACKNOWLEDGED", "RESOLVED"]).optional(),
  limit: z.int().min(1).max(200).default(50),
});
export type ListIncidentsInput = z.input<typeof ListIncidentsInput>;

export async function listIncidents(ctx: ServiceContext, rawInput: ListIncidentsInput = {}) {
  requirePermission(ctx, "incident:read");
  const input = ListIncidentsInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "incident.list");
    const status =
      input.status === "OPEN" ? { not: "RESOLVED" as const } : input.status ? { equals: input.status } : undefined;
    return tx.incident.findMany({
      where: { tenantId: ctx.tenant!.id, ...(status ? { status } : {}) },
      orderBy: [{ openedAt: "desc" }, { number: "desc" }],
      take: input.limit,
      select: incidentSummarySelect,
    });
  });
}
