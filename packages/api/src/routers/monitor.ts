import {
  CreateMonitorInput,
  createMonitor,
  ExportMonitorsInput,
  exportMonitorsCsv,
  GetMonitorInput,
  getMonitor,
  ListMonitorsInput,
  listMonitorKinds,
  listMonitorRegions,
  listMonitors,
  RotateHeartbeatTokenInput,
  rotateHeartbeatToken,
  SearchMonitorsInput,
  SetMonitorPausedInput,
  SetMonitorsPausedInput,
  searchMonitors,
  setMonitorPaused,
  setMonitorsPaused,
  TestMonitorConfigInput,
  testMonitorConfig,
  UpdateMonitorInput,
  updateMonitor,
  WatchMonitorsInput,
  watchMonitors,
} from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { probeGuard } from "../env.ts";
import { permission } from "../trpc.ts";

export const monitorRouter = {
  list: permission("monitor:read")
    .input(ListMonitorsInput)
    .query(({ ctx, input }) => listMonitors(ctx.service, input)),
  /** Probe kinds with their config JSON Schema (the create / edit form is built from it). */
  kinds: permission("monitor:read").query(({ ctx }) => listMonitorKinds(ctx.service)),
  /** Regions a monitor can be probed from (the fleet's, the tenant's in use, "local") for the form. */
  regions: permission("monitor:read").query(({ ctx }) => listMonitorRegions(ctx.service)),
  /**
   * The list's filters → every matching monitor as CSV: {filename, rows, chunks} where `chunks` is an
   * async iterable of CSV text. For server-side callers (the web app's CSV route streams the chunks as
   * its response body); tenancy and permission are checked before the first chunk.
   */
  exportCsv: permission("monitor:read")
    .input(ExportMonitorsInput)
    .query(({ ctx, input }) => exportMonitorsCsv(ctx.service, input)),
  search: permission("monitor:read")
    .input(SearchMonitorsInput)
    .query(({ ctx, input }) => searchMonitors(ctx.service, input)),
  get: permission("monitor:read")
    .input(GetMonitorInput)
    .query(({ ctx, input }) => getMonitor(ctx.service, input)),
  create: permission("monitor:write")
    .input(CreateMonitorInput)
    .mutation(({ ctx, input }) => createMonitor(ctx.service, input)),
  update: permission("monitor:write")
    .input(UpdateMonitorInput)
    .mutation(({ ctx, input }) => updateMonitor(ctx.service, input)),
  testConfig: permission("monitor:write")
    .input(TestMonitorConfigInput)
    .mutation(async ({ ctx, input }) => testMonitorConfig(ctx.service, input, { ssrf: await probeGuard() })),
  setPaused: permission("monitor:write")
    .input(SetMonitorPausedInput)
    .mutation(({ ctx, input }) => setMonitorPaused(ctx.service, input)),
  /** HEARTBEAT monitors: a new push token (returned once; the old one stops working). */
  rotateHeartbeatToken: permission("monitor:write")
    .input(RotateHeartbeatTokenInput)
    .mutation(({ ctx, input }) => rotateHeartbeatToken(ctx.service, input)),
  setManyPaused: permission("monitor:write")
    .input(SetMonitorsPausedInput)
    .mutation(({ ctx, input }) => setMonitorsPaused(ctx.service, input)),
  /** Live updates (SSE): yields when the tenant's monitors change state; the web app then refetches. */
  changes: permission("monitor:read")
    .input(WatchMonitorsInput)
    .subscription(({ ctx, input, signal }) => watchMonitors(ctx.service, input, signal)),
} satisfies TRPCRouterRecord;
