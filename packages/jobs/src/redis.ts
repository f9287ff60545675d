import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env.ts";

/**
 * Redis connections, following BullMQ's production guide:
 *  - "worker": blocking connections for BullMQ Workers; `maxRetriesPerRequest: null` (required) so a
 *    Redis restart makes workers wait and resume instead of crashing;
 *  - "producer": API/web processes that enqueue; `enableOfflineQueue: false` so a request fails fast
 *    while Redis is away instead of hanging.
 */
export type RedisRole = "worker" | "producer";

export function createRedisConnection(
  role: RedisRole,
  options: { url?: string; name?: string; extra?: RedisOptions } = {},
): Redis {
  const base: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(options.url ?? env.REDIS_URL, {
    ...base,
    connectionName: options.name ?? `steward-${role}`,
    // Back off up to 2 s between reconnects, forever: the worker must resume after a Redis restart.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...options.extra,
  });
}

/** The BullMQ key prefix for this process (REDIS_PREFIX). */
export function redisPrefix(): string {
  return env.REDIS_PREFIX;
}
