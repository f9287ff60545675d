import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import { revokeMemberSessions } from "../auth/revoke-session.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { memberSelect } from "./list-members.ts";
import { assertNotLastAdmin, CLIENT_TENANT_ROLES, loadMembershipForChange } from "./member-guards.ts";

export const UpdateMemberRoleInput = z.object({
  membershipId: z.uuid(),
  role: z.enum(CLIENT_TENANT_ROLES),
});
export type UpdateMemberRoleInput = z.input<typeof UpdateMemberRoleInput>;

/**
 * Change a member's role within the current tenant. Revokes the member's sessions (role changes take
 * effect on the next login everywhere); refuses to demote the last client admin (Conflict).
 */
export async function updateMemberRole(ctx: ServiceContext, rawInput: UpdateMemberRoleInput) {
  requirePermission(ctx, "member:write");
  const input = UpdateMemberRoleInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  return withTenant(ctx, async (tx) => {
    const m = await loadMembershipForChange(tx, tenantId, input.membershipId);
    if (m.role === input.role) {
      return {
        member: await tx.membership.findFirstOrThrow({ where: { id: m.id, tenantId }, select: memberSelect }),
        revokedSessions: 0,
      };
    }
    if (input.role !== "CLIENT_ADMIN") await assertNotLastAdmin(tx, tenantId, m);
    const member = await tx.membership.update({
      where: { id: m.id },
      data: { role: input.role },
      select: memberSelect,
    });
    const revokedSessions = await revokeMemberSessions(tx, m.id, "role_change");
    await emitAudit(tx, ctx, {
      action: "member.update_role",
      targetType: "membership",
      targetId: m.id,
      metadata: { userId: m.userId, email: m.user.email, from: m.role, to: input.role, revokedSessions },
    });
    return { member, revokedSessions };
  });
}
