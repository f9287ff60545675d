import { type Permission, permissionsFor, type Role } from "./roles.ts";

/** True when the permission set grants `permission`. */
export function hasPermission(permissions: ReadonlySet<Permission>, permission: Permission): boolean {
  return permissions.has(permission);
}

/** True when `role` grants `permission` (per ROLE_PERMISSIONS). */
export function roleCan(role: Role, permission: Permission): boolean {
  return permissionsFor(role).has(permission);
}

/** Union of the permissions of several roles (a user reaching one tenant through two memberships). */
export function unionPermissions(roles: readonly Role[]): ReadonlySet<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) for (const p of permissionsFor(role)) out.add(p);
  return out;
}

/**
 * Precedence used to report *one* role when a user reaches a tenant through several memberships.
 * Higher wins. Permissions are always the union (see access.ts); this only picks the label.
 */
export const ROLE_PRECEDENCE: Record<Role, number> = {
  PROVIDER_ADMIN: 5,
  ENGINEER: 4,
  ACCOUNT_MANAGER: 3,
  CLIENT_ADMIN: 2,
  CLIENT_VIEWER: 1,
};

/** Roles that may administer a tenant's members (used for the "last admin" rule). */
export const TENANT_ADMIN_ROLES: readonly Role[] = ["CLIENT_ADMIN", "PROVIDER_ADMIN"];
