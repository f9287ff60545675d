export * from "./create-monitor.ts";
export * from "./get-monitor.ts";
export * from "./list-monitors.ts";
export * from "./monitor-metrics.ts";
export * from "./set-monitor-paused.ts";
