import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/**
 * Every 15 s: the no-data watchdog — regions of active monitors silent for more than two intervals
 * (+ grace) become UNKNOWN (services/monitor-state/mark-silent-regions-unknown.ts). Idempotent.
 */
export const monitorsWatchdog = defineJob({
  name: "monitors.watchdog",
  queue: QUEUES.maintenance,
  payload: z.object({}),
  options: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
});

/** Job scheduler id (one per cluster: every worker upserts the same id). */
export const WATCHDOG_SCHEDULER_ID = "maintenance-monitors-watchdog";
export const WATCHDOG_EVERY_MS = 15 * 1000;
