export * from "./ingest-probe-results.ts";
export * from "./probe-result-row.ts";
export * from "./record-probe-results.ts";
export * from "./sql.ts";
export { PROBE_ACTOR } from "./system-writes.ts";
