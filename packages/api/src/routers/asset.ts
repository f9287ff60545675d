import { listAssets } from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

export const assetRouter = {
  list: permission("asset:read").query(({ ctx }) => listAssets(ctx.service)),
} satisfies TRPCRouterRecord;
