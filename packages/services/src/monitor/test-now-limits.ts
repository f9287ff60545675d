import type { createRedisConnection } from "@steward/jobs";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { actorId, actorLabel, type ServiceContext } from "../context.ts";
import { RateLimitedError, UnavailableError } from "../errors.ts";
import { requireTenant } from "../with-tenant.ts";

/**
 * "Test now" limits (docs/security/probes.md): each run makes a worker open a connection the user chose,
 * so they are counted per user (a person or an API token) and per tenant, in Redis so every web process
 * shares them. Fixed windows of 60 s.
 */
export const TEST_NOW_LIMITS = {
  perUser: { points: 10, durationSeconds: 60 },
  perTenant: { points: 30, durationSeconds: 60 },
} as const;

export interface TestNowLimiter {
  /** Counts one run for the caller and the tenant; throws RateLimitedError (with retryAfterSeconds). */
  consume(ctx: ServiceContext): Promise<void>;
}

export function createTestNowLimiter(
  redis: ReturnType<typeof createRedisConnection>,
  opts: {
    prefix: string;
    limits?: {
      perUser: { points: number; durationSeconds: number };
      perTenant: { points: number; durationSeconds: number };
    };
  },
): TestNowLimiter {
  const limits = opts.limits ?? TEST_NOW_LIMITS;
  const common = { storeClient: redis, useRedisPackage: false };
  const perUser = new RateLimiterRedis({
    ...common,
    keyPrefix: `${opts.prefix}:rl:test-now-user`,
    points: limits.perUser.points,
    duration: limits.perUser.durationSeconds,
  });
  const perTenant = new RateLimiterRedis({
    ...common,
    keyPrefix: `${opts.prefix}:rl:test-now-tenant`,
    points: limits.perTenant.points,
    duration: limits.perTenant.durationSeconds,
  });
  const take = async (limiter: RateLimiterRedis, key: string, what: string, points: number, seconds: number) => {
    try {
      await limiter.consume(key);
    } catch (e) {
      // Redis away: fail closed (no count, no test), as a 503 rather than a 500.
      if (!(e instanceof RateLimiterRes)) throw new UnavailableError("Test now is not available right now");
      const retryAfterSeconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      throw new RateLimitedError(
        `Too many tests: at most ${points} per ${what} every ${seconds} s. Try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds, limit: what },
      );
    }
  };
  return {
    async consume(ctx) {
      const tenant = requireTenant(ctx);
      const who = `${ctx.actor.type}:${actorId(ctx.actor) ?? actorLabel(ctx.actor)}`;
      await take(perUser, who, "user", limits.perUser.points, limits.perUser.durationSeconds);
      await take(perTenant, tenant.id, "tenant", limits.perTenant.points, limits.perTenant.durationSeconds);
    },
  };
}
