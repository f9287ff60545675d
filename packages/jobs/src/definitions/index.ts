import { monitorTest } from "./monitor-test.ts";
import { monitorsWatchdog } from "./monitors-watchdog.ts";
import { partitionsEnsure } from "./partitions-ensure.ts";
import { probeRun } from "./probe-run.ts";
import { rollupRetention } from "./rollup-retention.ts";
import { rollupsRoll } from "./rollups-roll.ts";

export { MonitorTestReply, MonitorTestRequestId, monitorTest } from "./monitor-test.ts";
export { monitorsWatchdog, WATCHDOG_EVERY_MS, WATCHDOG_SCHEDULER_ID } from "./monitors-watchdog.ts";
export { PARTITIONS_EVERY_MS, PARTITIONS_SCHEDULER_ID, partitionsEnsure } from "./partitions-ensure.ts";
export { probeRun } from "./probe-run.ts";
export { RETENTION_EVERY_MS, RETENTION_SCHEDULER_ID, rollupRetention } from "./rollup-retention.ts";
export { ROLLUPS_EVERY_MS, ROLLUPS_SCHEDULER_ID, rollupsRoll } from "./rollups-roll.ts";

/** Every job definition, by name (the worker dispatches on it). */
export const JOBS = {
  [probeRun.name]: probeRun,
  [partitionsEnsure.name]: partitionsEnsure,
  [rollupsRoll.name]: rollupsRoll,
  [rollupRetention.name]: rollupRetention,
  [monitorsWatchdog.name]: monitorsWatchdog,
  [monitorTest.name]: monitorTest,
} as const;
export type JobName = keyof typeof JOBS;
