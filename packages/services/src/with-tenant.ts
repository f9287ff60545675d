import { withTenant as dbWithTenant, type Tx } from "@steward/db";
import type { ServiceContext, TenantRef } from "./context.ts";
import { NotFoundError } from "./errors.ts";

/** The tenant a tenant-scoped verb acts in; a context without one never reaches tenant data. */
export function requireTenant(ctx: ServiceContext): TenantRef {
  if (!ctx.tenant) throw new NotFoundError("Tenant not found");
  return ctx.tenant;
}

/**
 * One transaction as `steward_app` with RLS scoped to ctx.tenant (app.tenant_ids). Every read and write
 * of a tenant verb, and its audit row, happen inside it.
 */
export function withTenant<T>(ctx: ServiceContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tenant = requireTenant(ctx);
  return dbWithTenant(tenant.id, fn);
}
