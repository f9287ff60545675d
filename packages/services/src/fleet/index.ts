export * from "./list-probe-workers.ts";
export * from "./record-worker-heartbeat.ts";
export * from "./require-provider-staff.ts";
