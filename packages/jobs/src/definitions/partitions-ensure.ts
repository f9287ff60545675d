import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/** Hourly: create the coming days' probe_results partitions (also run by every worker at boot). */
export const partitionsEnsure = defineJob({
  name: "partitions.ensure",
  queue: QUEUES.maintenance,
  payload: z.object({ daysAhead: z.number().int().min(0).max(366).default(7) }),
  options: { attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: 100, removeOnFail: 500 },
});

/** Job scheduler id of the hourly run (one per cluster: every worker upserts the same id). */
export const PARTITIONS_SCHEDULER_ID = "maintenance-partitions-ensure";
export const PARTITIONS_EVERY_MS = 60 * 60 * 1000;
