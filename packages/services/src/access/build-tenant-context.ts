import type { SessionUser } from "../auth/validate-session.ts";
import type { Actor, ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import type { ResolvedAccess } from "./resolve-access.ts";

export interface ContextRequest {
  requestId: string;
  ip?: string | null;
}

export function userActor(user: SessionUser): Actor {
  return { type: "USER", userId: user.id, email: user.email, name: user.name, sessionId: user.sessionId };
}

/** A context outside any tenant (provider home, me.*): no tenant permissions. */
export function buildUserContext(
  user: SessionUser,
  access: ResolvedAccess | null,
  req: ContextRequest,
): ServiceContext {
  return {
    tenant: null,
    actor: userActor(user),
    role: null,
    permissions: new Set(),
    reachableTenantIds: access?.tenants.map((t) => t.id) ?? [],
    requestId: req.requestId,
    ip: req.ip ?? null,
  };
}

/**
 * The context of a tenant-scoped call. An unreachable (foreign, unknown or malformed) tenant id answers
 * NotFound — never Forbidden, so callers cannot probe for tenants.
 */
export function buildTenantContext(
  user: SessionUser,
  access: ResolvedAccess,
  tenantId: string,
  req: ContextRequest,
): ServiceContext {
  const t = access.tenants.find((x) => x.id === tenantId);
  if (!t) throw new NotFoundError("Tenant not found");
  return {
    tenant: { id: t.id, name: t.name, slug: t.slug, timezone: t.timezone },
    actor: userActor(user),
    role: t.role,
    permissions: new Set(t.permissions),
    reachableTenantIds: access.tenants.map((x) => x.id),
    requestId: req.requestId,
    ip: req.ip ?? null,
  };
}
