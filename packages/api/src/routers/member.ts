import {
  listMembers,
  RemoveMemberInput,
  removeMember,
  UpdateMemberRoleInput,
  updateMemberRole,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

export const memberRouter = {
  list: permission("member:read").query(({ ctx }) => listMembers(ctx.service)),
  updateRole: permission("member:write")
    .input(UpdateMemberRoleInput)
    .mutation(({ ctx, input }) => updateMemberRole(ctx.service, input)),
  remove: permission("member:write")
    .input(RemoveMemberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.service, input)),
} satisfies TRPCRouterRecord;
