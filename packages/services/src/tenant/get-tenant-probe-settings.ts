import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

/**
 * The tenant's probe network settings: the CIDRs its probes may reach although the SSRF guard refuses
 * them by default (added to the deployment's allowlist; docs/ssrf.md). Anyone who may read the tenant may
 * read them; `canEdit` says whether the caller may change them (tenant:write).
 */
export async function getTenantProbeSettings(ctx: ServiceContext) {
  requirePermission(ctx, "tenant:read");
  return withTenant(ctx, async (tx) => {
    const tenantId = ctx.tenant?.id ?? "";
    const org = await tx.organization.findFirst({
      where: { id: tenantId, kind: "CLIENT" },
      select: { probeAllowCidrs: true },
    });
    if (!org) throw new NotFoundError("Tenant not found");
    await auditTenantRead(tx, ctx, "tenant.probe_settings");
    return { probeAllowCidrs: org.probeAllowCidrs, canEdit: ctx.permissions.has("tenant:write") };
  });
}
