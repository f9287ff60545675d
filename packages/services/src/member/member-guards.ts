import type { Tx } from "@steward/db";
import type { Role } from "@steward/domain";
import { ConflictError, NotFoundError } from "../errors.ts";

/** Roles a membership of a client tenant may hold. */
export const CLIENT_TENANT_ROLES = ["CLIENT_ADMIN", "CLIENT_VIEWER"] as const satisfies readonly Role[];

/**
 * Load a membership of the current tenant, locking the tenant's admin rows so two concurrent demotions
 * cannot both pass the "last admin" check.
 */
export async function loadMembershipForChange(tx: Tx, tenantId: string, membershipId: string) {
  await tx.$queryRaw`select id from memberships where tenant_id = ${tenantId}::uuid and role = 'CLIENT_ADMIN' for update`;
  const m = await tx.membership.findFirst({
    where: { id: membershipId, tenantId },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!m) throw new NotFoundError("Member not found");
  return m;
}

/** Conflict when removing/demoting `membership` would leave the tenant without a client admin. */
export async function assertNotLastAdmin(tx: Tx, tenantId: string, membership: { id: string; role: Role }) {
  if (membership.role !== "CLIENT_ADMIN") return;
  const others = await tx.membership.count({
    where: { tenantId, role: "CLIENT_ADMIN", id: { not: membership.id } },
  });
  if (others === 0) throw new ConflictError("The tenant would be left without an admin", { reason: "last_admin" });
}
