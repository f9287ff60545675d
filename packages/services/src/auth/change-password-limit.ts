import { createRedisConnection, redisPrefix } from "@steward/jobs";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError, UnavailableError } from "../errors.ts";

/**
 * Wrong current passwords allowed per user in CHANGE_PASSWORD_WINDOW_MS: a stolen session must not become
 * an unthrottled password oracle. The budget is taken atomically in Redis BEFORE the password is verified
 * (so parallel requests cannot all read "no failures yet"), and given back when the password was right.
 */
export const CHANGE_PASSWORD_MAX_FAILURES = 5;
export const CHANGE_PASSWORD_WINDOW_MS = 15 * 60 * 1000;

let limiter: RateLimiterRedis | undefined;
function getLimiter(): RateLimiterRedis {
  if (!limiter) {
    // The first command may come before the connection is up: queue it (fail fast once it failed).
    const redis = createRedisConnection("producer", {
      name: "steward-change-password-limit",
      extra: { enableOfflineQueue: true },
    });
    redis.on("error", () => {});
    limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: `${redisPrefix()}:rl:change-password`,
      points: CHANGE_PASSWORD_MAX_FAILURES,
      duration: CHANGE_PASSWORD_WINDOW_MS / 1000,
    });
  }
  return limiter;
}

/** Takes one attempt from the user's budget; RateLimitedError when it is spent, UnavailableError without Redis. */
export async function takeChangePasswordAttempt(userId: string): Promise<void> {
  try {
    await getLimiter().consume(userId);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new RateLimitedError(`Too many wrong passwords; try again in ${retryAfterSeconds} seconds`, {
        retryAfterSeconds,
      });
    }
    // Fail closed: without the budget store, no password check runs.
    throw new UnavailableError("Password changes are unavailable right now; try again shortly", {});
  }
}

/** Gives back the attempt of a right password (only wrong ones count). */
export async function returnChangePasswordAttempt(userId: string): Promise<void> {
  await getLimiter()
    .reward(userId, 1)
    .catch(() => {});
}
