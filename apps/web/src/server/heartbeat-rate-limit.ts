import "server-only";
import { rateLimitAddressKey } from "@steward/domain";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env.ts";
import { logger } from "./logger.ts";
import { getRedis } from "./redis.ts";

// The login limiter (rate-limit.ts) is fixed to its own key and budget; pushes get their own:
//  - per token + IP: 60 beats a minute (a cron every 10 s needs 6);
//  - per IP over all tokens: 300 a minute, so guessing tokens from one address stays slow.
let perToken: RateLimiterRedis | undefined;
let perIp: RateLimiterRedis | undefined;
function limiters(): [RateLimiterRedis, RateLimiterRedis] {
  const common = { storeClient: getRedis(), duration: 60, useRedisPackage: false } as const;
  perToken ??= new RateLimiterRedis({ ...common, keyPrefix: `${env.REDIS_PREFIX}:rl:heartbeat`, points: 60 });
  perIp ??= new RateLimiterRedis({ ...common, keyPrefix: `${env.REDIS_PREFIX}:rl:heartbeat-ip`, points: 300 });
  return [perToken, perIp];
}

export type HeartbeatLimit = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Consume one push for this IP (+ token). Redis unavailable → allowed (logged): a limiter outage must not
 * turn every cron job's monitor DOWN; the lookup behind it is one indexed query.
 */
export async function consumeHeartbeat(ip: string, token: string): Promise<HeartbeatLimit> {
  const [byToken, byIp] = limiters();
  // The address comes from the socket hook (ADR 0014): a forged X-Forwarded-For buys no fresh budget.
  const address = rateLimitAddressKey(ip);
  try {
    await byIp.consume(address);
    await byToken.consume(`${address}|${token}`);
    return { ok: true };
  } catch (e) {
    if (e instanceof RateLimiterRes) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    }
    logger.warn({ err: e }, "heartbeat rate limiter unavailable");
    return { ok: true };
  }
}
