export * from "./ensure-probe-partitions.ts";
export * from "./get-probe-target.ts";
export * from "./ingest-probe-results.ts";
export * from "./list-scheduled-monitors.ts";
export * from "./ping-probe-store.ts";
export * from "./probe-result-row.ts";
export * from "./record-probe-results.ts";
export * from "./sql.ts";
export { PROBE_ACTOR } from "./system-writes.ts";
