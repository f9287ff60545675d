export * from "./access.ts";
export * from "./cidr-allowlist.ts";
export * from "./incident-state.ts";
export * from "./latency-histogram.ts";
export * from "./monitor-state.ts";
export * from "./permissions.ts";
export * from "./roles.ts";
export * from "./uptime.ts";
