import { computeAccess, type OrgKind, type Permission, type Role } from "@steward/domain";
import { authDb } from "../auth/auth-db.ts";

export interface ReachableTenant {
  id: string;
  name: string;
  slug: string;
  timezone: string;
  role: Role;
  permissions: readonly Permission[];
  /** Reached through a provider membership: reads are audited as cross-tenant. */
  viaProvider: boolean;
}

export interface MembershipSummary {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  tenantKind: OrgKind;
  role: Role;
  scopeTenantIds: readonly string[];
}

export interface ResolvedAccess {
  userId: string;
  isProviderStaff: boolean;
  memberships: readonly MembershipSummary[];
  /** Reachable client tenants, by name. */
  tenants: readonly ReachableTenant[];
}

/**
 * Which client tenants a user reaches and with which role (domain/access.ts). Identity lookup across
 * tenants, before any tenant is known: two statements on the identity pool as steward_auth, each one
 * SECURITY DEFINER function (the memberships with their organization, then the candidate client
 * tenants; ADR 0015), no transaction round trips.
 * Called per request so role and scope changes take effect immediately.
 */
export async function resolveAccess(userId: string): Promise<ResolvedAccess> {
  const db = authDb();
  const rows = await db.$queryRaw<
    {
      id: string;
      tenant_id: string;
      role: Role;
      scope_tenant_ids: string[];
      tenant_kind: OrgKind;
      tenant_name: string;
      tenant_slug: string;
    }[]
  >`select id::text as id, tenant_id::text as tenant_id, role::text as role,
           scope_tenant_ids::text[] as scope_tenant_ids, tenant_kind::text as tenant_kind, tenant_name, tenant_slug
      from steward_auth_user_memberships(${userId}::uuid)`;
  const memberships = rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    role: r.role,
    scopeTenantIds: r.scope_tenant_ids,
    tenant: { kind: r.tenant_kind, name: r.tenant_name, slug: r.tenant_slug },
  }));
  const clients =
    memberships.length === 0
      ? []
      : (
          await db.$queryRaw<
            { id: string; name: string; slug: string; timezone: string; parent_id: string | null }[]
          >`select id::text as id, name, slug, timezone, parent_id::text as parent_id
              from steward_auth_user_client_tenants(${userId}::uuid)`
        ).map((c) => ({ id: c.id, name: c.name, slug: c.slug, timezone: c.timezone, parentId: c.parent_id }));
  const access = computeAccess(
    memberships.map((m) => ({
      tenantId: m.tenantId,
      tenantKind: m.tenant.kind,
      role: m.role,
      scopeTenantIds: m.scopeTenantIds,
    })),
    clients.map((c) => ({ id: c.id, providerId: c.parentId })),
  );
  const byId = new Map(clients.map((c) => [c.id, c]));
  return {
    userId,
    isProviderStaff: access.isProviderStaff,
    memberships: memberships.map((m) => ({
      id: m.id,
      tenantId: m.tenantId,
      tenantName: m.tenant.name,
      tenantSlug: m.tenant.slug,
      tenantKind: m.tenant.kind,
      role: m.role,
      scopeTenantIds: m.scopeTenantIds,
    })),
    tenants: access.tenants.map((t) => {
      const c = byId.get(t.tenantId)!;
      return {
        id: c.id,
        name: c.name,
        slug: c.slug,
        timezone: c.timezone,
        role: t.role,
        permissions: [...t.permissions],
        viaProvider: t.viaProvider,
      };
    }),
  };
}
