import {
  approveProbeAllowEntry,
  DecideProbeAllowEntryInput,
  getTenantOverview,
  getTenantProbeSettings,
  listTenants,
  RemoveProbeAllowEntryInput,
  RequestProbeAllowEntryInput,
  rejectProbeAllowEntry,
  removeProbeAllowEntry,
  requestProbeAllowEntry,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, permission } from "../trpc.ts";

export const tenantRouter = {
  list: authedProcedure.query(async ({ ctx }) => {
    const access = await ctx.access();
    return listTenants({ ...ctx.service, reachableTenantIds: access.tenants.map((t) => t.id) });
  }),
  overview: permission("tenant:read").query(({ ctx }) => getTenantOverview(ctx.service)),
  /** The tenant's probe allowlist entries and their approval (docs/ssrf.md); every member may read them. */
  probeSettings: permission("tenant:read").query(({ ctx }) => getTenantProbeSettings(ctx.service)),
  /** Ask for an entry; private space waits for a provider admin (client admin, provider admin). */
  requestProbeAllowEntry: permission("tenant:write")
    .input(RequestProbeAllowEntryInput)
    .mutation(({ ctx, input }) => requestProbeAllowEntry(ctx.service, input)),
  /** Provider admins only (probe_network:approve). */
  approveProbeAllowEntry: permission("probe_network:approve")
    .input(DecideProbeAllowEntryInput)
    .mutation(({ ctx, input }) => approveProbeAllowEntry(ctx.service, input)),
  rejectProbeAllowEntry: permission("probe_network:approve")
    .input(DecideProbeAllowEntryInput)
    .mutation(({ ctx, input }) => rejectProbeAllowEntry(ctx.service, input)),
  /** Narrowing needs no approval (client admin, provider admin). */
  removeProbeAllowEntry: permission("tenant:write")
    .input(RemoveProbeAllowEntryInput)
    .mutation(({ ctx, input }) => removeProbeAllowEntry(ctx.service, input)),
} satisfies TRPCRouterRecord;
