import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/**
 * Every minute: roll hourly rollups from the watermark through the current hour (always re-rolling the
 * previous one) and every UTC day the hourly coverage completes (services/rollup/advance-rollups.ts).
 * Idempotent: a repeated or concurrent run rewrites the same rows.
 */
export const rollupsRoll = defineJob({
  name: "rollups.roll",
  queue: QUEUES.maintenance,
  payload: z.object({}),
  // The next tick is the retry; keep a short history.
  options: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
});

/** Job scheduler id (one per cluster: every worker upserts the same id). */
export const ROLLUPS_SCHEDULER_ID = "maintenance-rollups-roll";
export const ROLLUPS_EVERY_MS = 60 * 1000;
