import "server-only";
import { Redis } from "ioredis";
import { env } from "../env.ts";

const g = globalThis as unknown as { __stewardWebRedis?: Redis };

/** One shared connection for the rate limiter and readiness checks. Fails fast (no endless retries). */
export function getRedis(): Redis {
  g.__stewardWebRedis ??= new Redis(env.REDIS_URL, {
    maxRetriesPerRequest: 1,
    lazyConnect: false,
    connectTimeout: 2000,
  });
  return g.__stewardWebRedis;
}
