import "server-only";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env.ts";
import { logger } from "./logger.ts";
import { getRedis } from "./redis.ts";

let limiter: RateLimiterRedis | undefined;
function getLimiter(): RateLimiterRedis {
  limiter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${env.REDIS_PREFIX}:rl:login`,
    points: env.LOGIN_RATE_LIMIT,
    duration: 60,
    useRedisPackage: false,
  });
  return limiter;
}

export type LoginLimit = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Consume one login attempt for this IP + e-mail. Redis down → fail closed with a short retry. */
export async function consumeLoginAttempt(ip: string, email: string): Promise<LoginLimit> {
  const key = `${ip}|${email.trim().toLowerCase()}`;
  try {
    await getLimiter().consume(key);
    return { ok: true };
  } catch (e) {
    if (e instanceof RateLimiterRes)
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    logger.error({ err: e }, "login rate limiter unavailable");
    return { ok: false, retryAfterSeconds: 30 };
  }
}

/** A successful login clears the counter for this IP + e-mail. */
export async function resetLoginAttempts(ip: string, email: string): Promise<void> {
  await getLimiter()
    .delete(`${ip}|${email.trim().toLowerCase()}`)
    .catch(() => undefined);
}
