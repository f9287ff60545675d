import { monitorsWatchdog, WATCHDOG_EVERY_MS, WATCHDOG_SCHEDULER_ID } from "@steward/jobs";
import { markSilentRegionsUnknown } from "@steward/services";
import type { Queue } from "bullmq";
import type { Logger } from "../logger.ts";

/** Upsert the cluster-wide watchdog scheduler (every worker upserts the same id: one per cluster). */
export async function registerWatchdogScheduler(maintenance: Queue): Promise<void> {
  await maintenance.upsertJobScheduler(
    WATCHDOG_SCHEDULER_ID,
    { every: WATCHDOG_EVERY_MS },
    { name: monitorsWatchdog.name, data: {}, opts: monitorsWatchdog.options },
  );
}

/** The no-data watchdog: silent regions become UNKNOWN (services markSilentRegionsUnknown). */
export async function processMonitorsWatchdog(log: Logger) {
  const r = await markSilentRegionsUnknown();
  const summary = { silent: r.silent, changes: r.changes.length };
  for (const c of r.changes)
    log.warn({ monitorId: c.monitorId, from: c.from, to: c.to }, "monitor state changed (silent region)");
  log[r.silent ? "info" : "debug"](summary, "watchdog: silent regions");
  return summary;
}
