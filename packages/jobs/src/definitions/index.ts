import { probeRun } from "./probe-run.ts";

export { probeRun };

/** Every job definition, by name (the worker dispatches on it). */
export const JOBS = { [probeRun.name]: probeRun } as const;
export type JobName = keyof typeof JOBS;
