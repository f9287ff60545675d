import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { clientTenantOrThrow, PROBE_ALLOW_ENTRY_SELECT } from "./probe-allow-entries.ts";

/**
 * The tenant's probe network settings (docs/ssrf.md): every allowlist entry with its status (PENDING,
 * APPROVED, REJECTED) and who asked / decided, and `effective`, the approved entries the SSRF guard adds to
 * the deployment's allowlist. Anyone who may read the tenant may read them; `canRequest` (tenant:write:
 * client admin, provider admin) and `canApprove` (probe_network:approve: provider admin) drive the page.
 */
export async function getTenantProbeSettings(ctx: ServiceContext) {
  requirePermission(ctx, "tenant:read");
  return withTenant(ctx, async (tx) => {
    const org = await clientTenantOrThrow(tx, ctx);
    const [entries, row] = await Promise.all([
      tx.probeAllowEntry.findMany({
        where: { tenantId: org.id },
        select: PROBE_ALLOW_ENTRY_SELECT,
        orderBy: [{ requestedAt: "asc" }, { target: "asc" }],
      }),
      tx.organization.findFirstOrThrow({ where: { id: org.id }, select: { probeAllowCidrs: true } }),
    ]);
    await auditTenantRead(tx, ctx, "tenant.probe_settings");
    return {
      entries,
      effective: row.probeAllowCidrs,
      canRequest: ctx.permissions.has("tenant:write"),
      canApprove: ctx.permissions.has("probe_network:approve"),
    };
  });
}
