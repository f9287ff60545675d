export * from "./app.ts";
export * from "./batcher.ts";
export * from "./health.ts";
export * from "./logger.ts";
export * from "./monitor-cache.ts";
export * from "./processors/probe-run.ts";
