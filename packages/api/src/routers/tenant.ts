import { getTenantOverview, listTenants } from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure, permission } from "../trpc.ts";

export const tenantRouter = {
  list: authedProcedure.query(async ({ ctx }) => {
    const access = await ctx.access();
    return listTenants({ ...ctx.service, reachableTenantIds: access.tenants.map((t) => t.id) });
  }),
  overview: permission("tenant:read").query(({ ctx }) => getTenantOverview(ctx.service)),
} satisfies TRPCRouterRecord;
