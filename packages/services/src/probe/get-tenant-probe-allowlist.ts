import { getSystemPool } from "@steward/db";

/**
 * A tenant's own SSRF allowlist (organizations.probe_allow_cidrs), read by the worker as the system actor
 * for a "test now" job (scheduled probes get it joined to their monitor: get-probe-target.ts). [] when the
 * tenant is gone.
 */
export async function getTenantProbeAllowCidrs(tenantId: string): Promise<string[]> {
  const { rows } = await getSystemPool().query<{ probe_allow_cidrs: string[] }>(
    "SELECT probe_allow_cidrs FROM organizations WHERE id = $1",
    [tenantId],
  );
  return rows[0]?.probe_allow_cidrs ?? [];
}
