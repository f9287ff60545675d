import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export async function listAssets(ctx: ServiceContext) {
  requirePermission(ctx, "asset:read");
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "asset.list");
    return tx.asset.findMany({
      where: { tenantId: ctx.tenant!.id },
      orderBy: { name: "asc" },
      select: {
        id: true,
        name: true,
        kind: true,
        environment: true,
        tags: true,
        criticality: true,
        description: true,
        adapterKind: true,
        createdAt: true,
        _count: { select: { monitors: true } },
        dependsOn: { select: { dependsOnId: true } },
      },
    });
  });
}
