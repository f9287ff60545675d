import { z } from "zod";
import { defineJob } from "../define-job.ts";
import { QUEUES } from "../queues.ts";

/**
 * Run one probe for one monitor. Enqueued by the monitor's job scheduler (see schedule.ts);
 * `scheduledAt` (epoch ms of the slot) is only set for ad-hoc runs (tests, "check now").
 */
export const probeRun = defineJob({
  name: "probe.run",
  queue: QUEUES.probes,
  payload: z.object({
    monitorId: z.uuid(),
    scheduledAt: z.number().int().nonnegative().optional(),
  }),
  // A probe is never retried: the next slot is the retry. Keep a bounded history in Redis.
  options: { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
});
