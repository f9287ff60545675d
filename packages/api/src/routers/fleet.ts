import { listProbeWorkers } from "@steward/services";
import type { TRPCRouterRecord } from "@trpc/server";
import { authedProcedure } from "../trpc.ts";

/** Provider-level: the probe fleet. Authed; the service allows provider admins and engineers only. */
export const fleetRouter = {
  workers: authedProcedure.query(({ ctx }) => listProbeWorkers(ctx.service)),
} satisfies TRPCRouterRecord;
