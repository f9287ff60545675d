export * from "./roles.ts";
export * from "./monitor-state.ts";
