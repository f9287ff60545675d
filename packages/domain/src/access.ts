import { ROLE_PRECEDENCE, unionPermissions } from "./permissions.ts";
import { CLIENT_ROLES, type Permission, type Role } from "./roles.ts";

/**
 * Which client tenants a user reaches, and with which role and permissions in each. Pure: the caller
 * loads the user's memberships and the client tenants of the providers involved.
 *
 * Rules (product.md):
 * - PROVIDER_ADMIN (membership in a PROVIDER org) → every client whose parent is that provider.
 * - ENGINEER / ACCOUNT_MANAGER (membership in a PROVIDER org) → scopeTenantIds ∩ that provider's
 *   clients. An EMPTY scope reaches NOTHING (never "all").
 * - CLIENT_ADMIN / CLIENT_VIEWER (membership in a CLIENT org) → that tenant only; scope is ignored.
 * - Inconsistent memberships (a client role in a provider org, a provider role in a client org) grant
 *   nothing.
 * - A tenant reached through several memberships gets the UNION of the roles' permissions; `role` is
 *   the one with the highest ROLE_PRECEDENCE (a label for display and audit).
 * Only client tenants are returned: tenant procedures act in client tenants.
 */
export type OrgKind = "PROVIDER" | "CLIENT";

export interface AccessMembership {
  tenantId: string;
  tenantKind: OrgKind;
  role: Role;
  scopeTenantIds: readonly string[];
}

export interface AccessClient {
  id: string;
  /** The provider this client belongs to (organizations.parent_id). */
  providerId: string | null;
}

export interface TenantAccess {
  tenantId: string;
  role: Role;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
  /** True when reached through a provider membership (cross-tenant staff access, audited on read). */
  viaProvider: boolean;
}

export interface AccessResult {
  /** Reachable client tenants, in the order of `clients`. */
  tenants: readonly TenantAccess[];
  /** Holds at least one membership in a provider org (even with an empty scope). */
  isProviderStaff: boolean;
}

export function computeAccess(
  memberships: readonly AccessMembership[],
  clients: readonly AccessClient[],
): AccessResult {
  const reach = new Map<string, { roles: Set<Role>; viaProvider: boolean }>();
  const add = (tenantId: string, role: Role, viaProvider: boolean) => {
    const entry = reach.get(tenantId) ?? { roles: new Set<Role>(), viaProvider: false };
    entry.roles.add(role);
    entry.viaProvider ||= viaProvider;
    reach.set(tenantId, entry);
  };
  const clientIds = new Set(clients.map((c) => c.id));
  let isProviderStaff = false;

  for (const m of memberships) {
    const clientRole = CLIENT_ROLES.includes(m.role);
    if (m.tenantKind === "CLIENT") {
      if (clientRole && clientIds.has(m.tenantId)) add(m.tenantId, m.role, false);
      continue;
    }
    // PROVIDER membership
    if (clientRole) continue;
    isProviderStaff = true;
    const own = clients.filter((c) => c.providerId === m.tenantId);
    if (m.role === "PROVIDER_ADMIN") {
      for (const c of own) add(c.id, m.role, true);
    } else {
      const scope = new Set(m.scopeTenantIds);
      for (const c of own) if (scope.has(c.id)) add(c.id, m.role, true);
    }
  }

  const tenants: TenantAccess[] = [];
  for (const c of clients) {
    const entry = reach.get(c.id);
    if (!entry) continue;
    const roles = [...entry.roles].sort((a, b) => ROLE_PRECEDENCE[b] - ROLE_PRECEDENCE[a]);
    tenants.push({
      tenantId: c.id,
      role: roles[0]!,
      roles,
      permissions: unionPermissions(roles),
      viaProvider: entry.viaProvider,
    });
  }
  return { tenants, isProviderStaff };
}

/** The access entry for one tenant, or null when it is unreachable. */
export function accessFor(result: AccessResult, tenantId: string): TenantAccess | null {
  return result.tenants.find((t) => t.tenantId === tenantId) ?? null;
}
