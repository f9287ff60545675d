// Tenant id lists: validated here, with no imports, so every module of @steward/db can use them
// without an import cycle (client → with-tenant-read → tenant → client before).

/** Thrown for a missing or malformed tenant scope: a programming error, never a user error. */
export class TenantScopeError extends Error {
  override name = "TenantScopeError";
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Validates and normalises (lower case, de-duplicated) a tenant id list. */
export function normalizeTenantIds(tenantIds: string | readonly string[]): string[] {
  const list = typeof tenantIds === "string" ? [tenantIds] : tenantIds;
  if (list.length === 0) {
    throw new TenantScopeError("withTenant: empty tenant list (an unscoped caller sees no tenant; do not query)");
  }
  const out = new Set<string>();
  for (const id of list) {
    if (typeof id !== "string" || !UUID_RE.test(id)) {
      throw new TenantScopeError(`withTenant: not a uuid: ${JSON.stringify(id)}`);
    }
    out.add(id.toLowerCase());
  }
  return [...out];
}
