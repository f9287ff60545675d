import { partitionsEnsure } from "./partitions-ensure.ts";
import { probeRun } from "./probe-run.ts";

export { PARTITIONS_EVERY_MS, PARTITIONS_SCHEDULER_ID, partitionsEnsure } from "./partitions-ensure.ts";
export { probeRun } from "./probe-run.ts";

/** Every job definition, by name (the worker dispatches on it). */
export const JOBS = { [probeRun.name]: probeRun, [partitionsEnsure.name]: partitionsEnsure } as const;
export type JobName = keyof typeof JOBS;
