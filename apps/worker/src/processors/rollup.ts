import {
  RETENTION_EVERY_MS,
  RETENTION_SCHEDULER_ID,
  ROLLUPS_EVERY_MS,
  ROLLUPS_SCHEDULER_ID,
  rollupRetention,
  rollupsRoll,
} from "@steward/jobs";
import { advanceRollups, dropExpiredProbePartitions } from "@steward/services";
import { type Job, type Queue, UnrecoverableError } from "bullmq";
import type { Logger } from "../logger.ts";

/** Maintenance jobs of the storage slice: rollups every minute, raw retention daily. */
export const ROLLUP_JOB_NAMES: ReadonlySet<string> = new Set([rollupsRoll.name, rollupRetention.name]);

/** Upsert the cluster-wide job schedulers (every worker upserts the same ids: one schedule per cluster). */
export async function registerRollupSchedulers(maintenance: Queue, retentionDays = 30): Promise<void> {
  await maintenance.upsertJobScheduler(
    ROLLUPS_SCHEDULER_ID,
    { every: ROLLUPS_EVERY_MS },
    { name: rollupsRoll.name, data: {}, opts: rollupsRoll.options },
  );
  await maintenance.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { every: RETENTION_EVERY_MS },
    { name: rollupRetention.name, data: { retentionDays }, opts: rollupRetention.options },
  );
}

export async function processRollupJob(job: Job, log: Logger) {
  switch (job.name) {
    case rollupsRoll.name: {
      const t0 = performance.now();
      const r = await advanceRollups();
      const ms = Math.round(performance.now() - t0);
      const summary = {
        hourly: { from: r.hourly.from, to: r.hourly.to, statements: r.hourly.statements, rows: r.hourly.upserted },
        coveredUntil: r.hourly.coverage?.until ?? null,
        dailyRows: r.daily?.upserted ?? 0,
        ms,
      };
      log[r.daily?.statements ? "info" : "debug"](summary, "rollups rolled");
      return summary;
    }
    case rollupRetention.name: {
      const parsed = rollupRetention.payload.safeParse(job.data ?? {});
      if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
      const r = await dropExpiredProbePartitions(parsed.data.retentionDays);
      log.info(r, "probe_results retention applied");
      return r;
    }
    default:
      throw new UnrecoverableError(`not a rollup job: ${job.name}`);
  }
}
