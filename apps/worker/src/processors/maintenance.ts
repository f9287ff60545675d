import { monitorsWatchdog, partitionsEnsure } from "@steward/jobs";
import { ensureProbePartitions } from "@steward/services";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "../logger.ts";
import { processMonitorsWatchdog } from "./monitors-watchdog.ts";
import { processRollupJob, ROLLUP_JOB_NAMES } from "./rollup.ts";

export function createMaintenanceProcessor(log: Logger) {
  return async function processMaintenance(job: Job) {
    if (ROLLUP_JOB_NAMES.has(job.name)) return processRollupJob(job, log);
    switch (job.name) {
      case partitionsEnsure.name: {
        const parsed = partitionsEnsure.payload.safeParse(job.data ?? {});
        if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
        const created = await ensureProbePartitions(parsed.data.daysAhead);
        if (created > 0) log.info({ created }, "probe_results partitions created");
        return { created };
      }
      case monitorsWatchdog.name:
        return processMonitorsWatchdog(log);
      default:
        throw new UnrecoverableError(`unknown maintenance job ${job.name}`);
    }
  };
}
