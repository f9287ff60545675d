export * from "./get-heartbeat-status.ts";
export * from "./heartbeat-token.ts";
export * from "./record-heartbeat.ts";
export * from "./rotate-heartbeat-token.ts";
