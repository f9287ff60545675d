export * from "./define-job.ts";
export * from "./definitions/index.ts";
export * from "./monitor-test-client.ts";
export * from "./queue.ts";
export * from "./queues.ts";
export * from "./redis.ts";
export * from "./schedule.ts";
