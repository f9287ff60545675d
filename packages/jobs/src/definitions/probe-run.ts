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
  // A probe is never retried (attempts defaults to 1): the next slot is the retry. A completed run is
  // deleted at once — its result is in Postgres, and a completed-job history costs ≈ 1 KB of Redis per job
  // plus a trim on every completion; a few failed ones are kept for inspection. These options are stored
  // in every monitor's scheduler hash, so they stay under 64 bytes of JSON (one longer field switches the
  // hash to an encoding twice the size: 680 instead of 330 bytes per scheduler).
  options: { removeOnComplete: true, removeOnFail: 1000 },
});
