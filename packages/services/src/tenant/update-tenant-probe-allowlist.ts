import { CidrAllowlist } from "@steward/domain";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const UpdateTenantProbeAllowlistInput = z.object({ cidrs: CidrAllowlist });
export type UpdateTenantProbeAllowlistInput = z.input<typeof UpdateTenantProbeAllowlistInput>;

/**
 * Replace the tenant's probe allowlist (CIDRs its probes may reach although private, loopback, ...).
 * Entries are validated and normalised by domain/cidr-allowlist.ts (a ZodError naming each bad entry;
 * nothing changes). Writes an audit row with the list before and after, in the same transaction; an
 * unchanged list writes nothing. Workers pick the new list up on the monitor's next run.
 */
export async function updateTenantProbeAllowlist(ctx: ServiceContext, rawInput: UpdateTenantProbeAllowlistInput) {
  requirePermission(ctx, "tenant:write");
  const input = UpdateTenantProbeAllowlistInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    const tenantId = ctx.tenant?.id ?? "";
    const current = await tx.organization.findFirst({
      where: { id: tenantId, kind: "CLIENT" },
      select: { id: true, probeAllowCidrs: true },
    });
    if (!current) throw new NotFoundError("Tenant not found");
    const before = current.probeAllowCidrs;
    const after = input.cidrs;
    if (before.length === after.length && before.every((c, i) => c === after[i])) {
      return { probeAllowCidrs: before, canEdit: true };
    }
    const updated = await tx.organization.update({
      where: { id: current.id },
      data: { probeAllowCidrs: after },
      select: { probeAllowCidrs: true },
    });
    const added = after.filter((c) => !before.includes(c));
    const removed = before.filter((c) => !after.includes(c));
    await emitAudit(tx, ctx, {
      action: "tenant.update_probe_allowlist",
      targetType: "tenant",
      targetId: current.id,
      metadata: { before, after, added, removed },
    });
    return { probeAllowCidrs: updated.probeAllowCidrs, canEdit: true };
  });
}
