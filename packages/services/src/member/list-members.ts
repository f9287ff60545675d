import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const memberSelect = {
  id: true,
  role: true,
  createdAt: true,
  user: { select: { id: true, email: true, name: true, lastLoginAt: true, disabledAt: true } },
} as const;

/** Members (memberships) of the current client tenant. */
export async function listMembers(ctx: ServiceContext) {
  requirePermission(ctx, "member:read");
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "member.list");
    return tx.membership.findMany({
      where: { tenantId: ctx.tenant!.id },
      orderBy: [{ role: "asc" }, { createdAt: "asc" }],
      select: memberSelect,
    });
  });
}
