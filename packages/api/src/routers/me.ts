import { ChangePasswordInput, changePassword } from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../trpc.ts";

export const meRouter = {
  get: authedProcedure.query(async ({ ctx }) => {
    const access = await ctx.access();
    return {
      user: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
      memberships: access.memberships,
      tenants: access.tenants.map((t) => ({
        id: t.id,
        name: t.name,
        slug: t.slug,
        timezone: t.timezone,
        role: t.role,
        permissions: t.permissions,
      })),
      isProviderStaff: access.isProviderStaff,
    };
  }),
  changePassword: authedProcedure
    .input(ChangePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.service, input)),
} satisfies TRPCRouterRecord;
