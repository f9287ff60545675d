import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/**
 * Daily: drop the probe_results partitions older than `retentionDays` (raw, default 30 days). Rollups and
 * state intervals are kept. DROP TABLE per partition, never DELETE (services/rollup).
 */
export const rollupRetention = defineJob({
  name: "retention.apply",
  queue: QUEUES.maintenance,
  payload: z.object({ retentionDays: z.number().int().min(1).max(3650).default(30) }),
  options: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: 30, removeOnFail: 100 },
});

export const RETENTION_SCHEDULER_ID = "maintenance-retention-apply";
export const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;
