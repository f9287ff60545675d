import type { Role } from "@steward/domain";
import { type ResolvedAccess, resolveAccess } from "../access/resolve-access.ts";
import type { ServiceContext } from "../context.ts";
import { ForbiddenError } from "../errors.ts";

/** Provider roles that may see the probe fleet (not account managers: they do not run monitoring). */
export const FLEET_ROLES: readonly Role[] = ["PROVIDER_ADMIN", "ENGINEER"];

/**
 * Provider-level (not tenant) data: the actor must hold one of `roles` in a provider organisation.
 * Resolved from memberships on every call (role changes take effect at once). Forbidden otherwise.
 * Returns the role and the resolved access (the tenants the actor reaches, whatever the caller's context).
 */
export async function requireProviderStaff(
  ctx: ServiceContext,
  roles: readonly Role[],
): Promise<{ role: Role; access: ResolvedAccess }> {
  if (ctx.actor.type !== "USER") throw new ForbiddenError("Provider staff only");
  const access = await resolveAccess(ctx.actor.userId);
  const role = access.memberships.find((m) => m.tenantKind === "PROVIDER" && roles.includes(m.role))?.role;
  if (!role) throw new ForbiddenError("Provider staff only", { roles });
  return { role, access };
}
