import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import { revokeMemberSessions } from "../auth/revoke-session.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { assertNotLastAdmin, loadMembershipForChange } from "./member-guards.ts";

export const RemoveMemberInput = z.object({ membershipId: z.uuid() });
export type RemoveMemberInput = z.input<typeof RemoveMemberInput>;

/** Remove a membership from the current tenant and revoke the user's sessions; never the last admin. */
export async function removeMember(ctx: ServiceContext, rawInput: RemoveMemberInput) {
  requirePermission(ctx, "member:write");
  const input = RemoveMemberInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  return withTenant(ctx, async (tx) => {
    const m = await loadMembershipForChange(tx, tenantId, input.membershipId);
    await assertNotLastAdmin(tx, tenantId, m);
    // Revoked first: the function acts only on a membership of this tenant, which the delete removes.
    const revokedSessions = await revokeMemberSessions(tx, m.id, "membership_removed");
    await tx.membership.delete({ where: { id: m.id }, select: { id: true } });
    await emitAudit(tx, ctx, {
      action: "member.remove",
      targetType: "membership",
      targetId: m.id,
      metadata: { userId: m.userId, email: m.user.email, role: m.role, revokedSessions },
    });
    return { removed: m.id, revokedSessions };
  });
}
