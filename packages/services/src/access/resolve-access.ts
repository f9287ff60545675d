import { getSystemDb } from "@steward/db";
import { computeAccess, type OrgKind, type Permission, type Role } from "@steward/domain";

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
 * tenants, so it runs as the system role: two plain queries (memberships, then the candidate client
 * tenants), no transaction round trips.
 * Called per request so role and scope changes take effect immediately.
 */
export async function resolveAccess(userId: string): Promise<ResolvedAccess> {
  const db = getSystemDb();
  const memberships = await db.membership.findMany({
    where: { userId },
    select: {
      id: true,
      tenantId: true,
      role: true,
      scopeTenantIds: true,
      tenant: { select: { kind: true, name: true, slug: true } },
    },
    orderBy: { createdAt: "asc" },
  });
  const providerIds = memberships.filter((m) => m.tenant.kind === "PROVIDER").map((m) => m.tenantId);
  const clientIds = memberships.filter((m) => m.tenant.kind === "CLIENT").map((m) => m.tenantId);
  const clients =
    providerIds.length + clientIds.length === 0
      ? []
      : await db.organization.findMany({
          where: { kind: "CLIENT", OR: [{ parentId: { in: providerIds } }, { id: { in: clientIds } }] },
          select: { id: true, name: true, slug: true, timezone: true, parentId: true },
          orderBy: { name: "asc" },
        });
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
