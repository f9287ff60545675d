import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { clientTenantOrThrow, probeAllowEntryOrThrow, syncEffectiveProbeAllowlist } from "./probe-allow-entries.ts";

export const RemoveProbeAllowEntryInput = z.object({ entryId: z.uuid() });
export type RemoveProbeAllowEntryInput = z.input<typeof RemoveProbeAllowEntryInput>;

/**
 * Remove an entry, whatever its status (tenant:write: client admin, provider admin). Narrowing needs no
 * approval: an approved entry stops taking effect in this transaction. Audited as `probe_allow_entry.remove`.
 */
export async function removeProbeAllowEntry(ctx: ServiceContext, rawInput: RemoveProbeAllowEntryInput) {
  requirePermission(ctx, "tenant:write");
  const input = RemoveProbeAllowEntryInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    const org = await clientTenantOrThrow(tx, ctx);
    const entry = await probeAllowEntryOrThrow(tx, org.id, input.entryId);
    await tx.probeAllowEntry.deleteMany({ where: { id: entry.id, tenantId: org.id } });
    await emitAudit(tx, ctx, {
      action: "probe_allow_entry.remove",
      targetType: "probe_allow_entry",
      targetId: entry.id,
      metadata: { target: entry.target, status: entry.status },
    });
    const effective = entry.status === "APPROVED" ? await syncEffectiveProbeAllowlist(tx, org.id) : undefined;
    return { removed: entry.id, ...(effective ? { effective } : {}) };
  });
}
