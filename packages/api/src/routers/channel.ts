import {
  CreateChannelInput,
  createChannel,
  DeleteChannelInput,
  deleteChannel,
  listChannels,
  UpdateChannelInput,
  updateChannel,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

/** Notification channels (issue 9 item 4): secrets are write-only, a list names the ones set. */
export const channelRouter = {
  /** Every member of the tenant (and provider staff in scope) may see the channels, never a secret. */
  list: permission("tenant:read").query(({ ctx }) => listChannels(ctx.service)),
  /** Client admin, provider admin. */
  create: permission("tenant:write")
    .input(CreateChannelInput)
    .mutation(({ ctx, input }) => createChannel(ctx.service, input)),
  update: permission("tenant:write")
    .input(UpdateChannelInput)
    .mutation(({ ctx, input }) => updateChannel(ctx.service, input)),
  delete: permission("tenant:write")
    .input(DeleteChannelInput)
    .mutation(({ ctx, input }) => deleteChannel(ctx.service, input)),
} satisfies TRPCRouterRecord;
