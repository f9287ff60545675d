import {
  getTenantOverview,
  getTenantProbeSettings,
  listTenants,
  UpdateTenantProbeAllowlistInput,
  updateTenantProbeAllowlist,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, permission } from "../trpc.ts";

export const tenantRouter = {
  list: authedProcedure.query(async ({ ctx }) => {
    const access = await ctx.access();
    return listTenants({ ...ctx.service, reachableTenantIds: access.tenants.map((t) => t.id) });
  }),
  overview: permission("tenant:read").query(({ ctx }) => getTenantOverview(ctx.service)),
  /** The tenant's probe network allowlist (docs/ssrf.md); readable by every member of the tenant. */
  probeSettings: permission("tenant:read").query(({ ctx }) => getTenantProbeSettings(ctx.service)),
  /** Replace the allowlist; client admin and provider admin (tenant:write). */
  updateProbeAllowlist: permission("tenant:write")
    .input(UpdateTenantProbeAllowlistInput)
    .mutation(({ ctx, input }) => updateTenantProbeAllowlist(ctx.service, input)),
} satisfies TRPCRouterRecord;
