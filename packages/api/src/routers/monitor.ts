import {
  CreateMonitorInput,
  createMonitor,
  GetMonitorInput,
  getMonitor,
  ListMonitorsInput,
  listMonitors,
  SetMonitorPausedInput,
  setMonitorPaused,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { permission } from "../trpc.ts";

export const monitorRouter = {
  list: permission("monitor:read")
    .input(ListMonitorsInput)
    .query(({ ctx, input }) => listMonitors(ctx.service, input)),
  get: permission("monitor:read")
    .input(GetMonitorInput)
    .query(({ ctx, input }) => getMonitor(ctx.service, input)),
  create: permission("monitor:write")
    .input(CreateMonitorInput)
    .mutation(({ ctx, input }) => createMonitor(ctx.service, input)),
  setPaused: permission("monitor:write")
    .input(SetMonitorPausedInput)
    .mutation(({ ctx, input }) => setMonitorPaused(ctx.service, input)),
} satisfies TRPCRouterRecord;
