import { createDeploymentGuard, type EnvLike, guardForTenant, type SsrfGuard } from "@steward/probes";
import type { ServiceContext } from "../context.ts";
import { withTenant } from "../with-tenant.ts";

export type { SsrfGuard } from "@steward/probes";

/**
 * The deployment's SSRF guard for a process that probes on tenants' behalf (the web's "test now"; the
 * worker builds the same one in apps/worker/src/env.ts): PROBE_ALLOWED_TARGETS (nothing private unless
 * listed; loopback only with STEWARD_DEV=1) and the platform deny list built from the environment
 * (docs/ssrf.md). Rejects with a clear message on a bad list.
 */
export function createDeploymentProbeGuard(env: EnvLike): Promise<SsrfGuard> {
  return createDeploymentGuard(env);
}

/**
 * The guard of the current tenant's probes: the deployment's allowlist ∪ the tenant's approved entries
 * (organizations.probe_allow_cidrs, kept by the probe-network verbs), the platform deny list kept. The one
 * way a service builds a guard for a tenant; the worker does the same per monitor with
 * `tenantGuards(deployment)(target.tenantAllowCidrs)`.
 */
export async function tenantProbeGuard(ctx: ServiceContext, deployment: SsrfGuard): Promise<SsrfGuard> {
  const entries = await withTenant(ctx, async (tx) => {
    const org = await tx.organization.findFirst({
      where: { id: ctx.tenant?.id ?? "" },
      select: { probeAllowCidrs: true },
    });
    return org?.probeAllowCidrs ?? [];
  });
  return guardForTenant(deployment, entries);
}
