export * from "./define-job.ts";
export * from "./definitions/index.ts";
export * from "./queue.ts";
export * from "./queues.ts";
export * from "./redis.ts";
export * from "./schedule.ts";
