import { createMonitorTestClient, createRedisConnection, redisPrefix } from "@steward/jobs";
import { lazyTestConfigSealer } from "./test-config-sealer.ts";
import type { TestMonitorConfigOptions } from "./test-monitor-config.ts";
import { createTestNowLimiter } from "./test-now-limits.ts";

let runtime: TestMonitorConfigOptions | undefined;

/**
 * The process-wide "test now" plumbing of a web/API process, built on first use: the request/reply client
 * (one producer connection, one QueueEvents connection per region asked), the limiter's Redis connection
 * and the sealer.
 */
export function testNowRuntime(): TestMonitorConfigOptions {
  if (!runtime) {
    // The limiter's commands may be the first on this connection: queue them until it is up (fail fast after).
    const redis = createRedisConnection("producer", {
      name: "steward-test-now-limits",
      extra: { enableOfflineQueue: true },
    });
    redis.on("error", () => {});
    runtime = {
      client: createMonitorTestClient(),
      limiter: createTestNowLimiter(redis, { prefix: redisPrefix() }),
      sealer: lazyTestConfigSealer,
    };
  }
  return runtime;
}
