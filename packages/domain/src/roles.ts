import { z } from "zod";

/** Membership roles (product.md). Client roles live in a client tenant; provider roles in the provider. */
export const Role = z.enum(["CLIENT_ADMIN", "CLIENT_VIEWER", "PROVIDER_ADMIN", "ENGINEER", "ACCOUNT_MANAGER"]);
export type Role = z.infer<typeof Role>;

export const CLIENT_ROLES: readonly Role[] = ["CLIENT_ADMIN", "CLIENT_VIEWER"];
export const PROVIDER_ROLES: readonly Role[] = ["PROVIDER_ADMIN", "ENGINEER", "ACCOUNT_MANAGER"];

export const isProviderRole = (role: Role): boolean => PROVIDER_ROLES.includes(role);

/**
 * Permissions are `entity:verb`. A permission is held *within* one tenant; which tenants a user
 * reaches is decided separately (membership + scope).
 */
export const Permission = z.enum([
  "tenant:read",
  /** Tenant settings, e.g. the probe network allowlist (client admin + provider admin). */
  "tenant:write",
  "asset:read",
  "asset:write",
  "monitor:read",
  "monitor:write",
  "incident:read",
  "incident:write",
  "contract:read",
  "contract:write",
  "member:read",
  "member:write",
  "audit:read",
  /**
   * Approve or reject a tenant's probe allowlist entries that open private space (docs/ssrf.md): provider
   * admins only — not engineers, who write the monitors that would use the opening.
   */
  "probe_network:approve",
]);
export type Permission = z.infer<typeof Permission>;

const READ: Permission[] = ["tenant:read", "asset:read", "monitor:read", "incident:read", "contract:read"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  CLIENT_VIEWER: READ,
  CLIENT_ADMIN: [...READ, "tenant:write", "member:read", "member:write", "audit:read"],
  ENGINEER: [...READ, "asset:write", "monitor:write", "incident:write", "audit:read"],
  ACCOUNT_MANAGER: [...READ, "contract:write", "audit:read"],
  PROVIDER_ADMIN: Permission.options,
};

export function permissionsFor(role: Role): ReadonlySet<Permission> {
  return new Set(ROLE_PERMISSIONS[role]);
}
