import { ListAuditLogsInput, listAuditLogs } from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

export const auditRouter = {
  list: permission("audit:read")
    .input(ListAuditLogsInput)
    .query(({ ctx, input }) => listAuditLogs(ctx.service, input)),
} satisfies TRPCRouterRecord;
