import "server-only";
import { rateLimitAddressKey } from "@steward/domain";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../env.ts";
import { logger } from "./logger.ts";
import { getRedis } from "./redis.ts";

/**
 * Login budgets (docs/security/login.md). Every attempt is counted in three buckets; a successful login
 * gives its attempt back to the two wide ones (so they count failures) and clears the narrow one:
 *  - address + account: LOGIN_RATE_LIMIT a minute (typos, a script on one machine);
 *  - account across addresses: LOGIN_ACCOUNT_RATE_LIMIT per 15 min (a botnet guessing one password);
 *  - address across accounts: LOGIN_ADDRESS_RATE_LIMIT per 15 min (password spraying).
 * The address is the one the client-address hook derived from the socket (ADR 0014), an IPv6 by its /64.
 */
type Scope = "address+account" | "account" | "address";
const WIDE_WINDOW_SECONDS = 15 * 60;

let limiters: Record<Scope, RateLimiterRedis> | undefined;
function getLimiters(): Record<Scope, RateLimiterRedis> {
  const common = { storeClient: getRedis(), useRedisPackage: false } as const;
  limiters ??= {
    "address+account": new RateLimiterRedis({
      ...common,
      keyPrefix: `${env.REDIS_PREFIX}:rl:login`,
      points: env.LOGIN_RATE_LIMIT,
      duration: 60,
    }),
    account: new RateLimiterRedis({
      ...common,
      keyPrefix: `${env.REDIS_PREFIX}:rl:login-account`,
      points: env.LOGIN_ACCOUNT_RATE_LIMIT,
      duration: WIDE_WINDOW_SECONDS,
    }),
    address: new RateLimiterRedis({
      ...common,
      keyPrefix: `${env.REDIS_PREFIX}:rl:login-address`,
      points: env.LOGIN_ADDRESS_RATE_LIMIT,
      duration: WIDE_WINDOW_SECONDS,
    }),
  };
  return limiters;
}

function keys(ip: string, email: string): Record<Scope, string> {
  const account = email.trim().toLowerCase();
  const address = rateLimitAddressKey(ip);
  return { "address+account": `${address}|${account}`, account, address };
}

export type LoginLimit = { ok: true } | { ok: false; retryAfterSeconds: number; scope?: Scope };

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Consume one login attempt in every bucket. Redis down → fail closed with a short retry. */
export async function consumeLoginAttempt(ip: string, email: string): Promise<LoginLimit> {
  const all = getLimiters();
  const k = keys(ip, email);
  const scopes = Object.keys(all) as Scope[];
  const settled = await Promise.allSettled(scopes.map((s) => all[s].consume(k[s])));
  let worst: { ok: false; retryAfterSeconds: number; scope: Scope } | null = null;
  for (const [i, r] of settled.entries()) {
    if (r.status === "fulfilled") continue;
    if (!(r.reason instanceof RateLimiterRes)) {
      logger.error({ err: r.reason }, "login rate limiter unavailable");
      return { ok: false, retryAfterSeconds: 30 };
    }
    const seconds = retryAfter(r.reason.msBeforeNext);
    if (!worst || seconds > worst.retryAfterSeconds)
      worst = { ok: false, retryAfterSeconds: seconds, scope: scopes[i]! };
  }
  return worst ?? { ok: true };
}

/**
 * Whether the next attempt would be refused, without counting it (the auth route answers 429 before
 * next-auth runs). Redis down → refused, as consumeLoginAttempt would.
 */
export async function peekLoginLimit(ip: string, email: string): Promise<LoginLimit> {
  const all = getLimiters();
  const k = keys(ip, email);
  let worst: LoginLimit = { ok: true };
  try {
    for (const scope of Object.keys(all) as Scope[]) {
      const res = await all[scope].get(k[scope]);
      if (res && res.consumedPoints >= all[scope].points) {
        const seconds = retryAfter(res.msBeforeNext);
        if (worst.ok || seconds > worst.retryAfterSeconds) worst = { ok: false, retryAfterSeconds: seconds, scope };
      }
    }
  } catch (err) {
    logger.error({ err }, "login rate limiter unavailable");
    return { ok: false, retryAfterSeconds: 30 };
  }
  return worst;
}

/** A successful login clears the address + account counter and gives the attempt back to the wide ones. */
export async function resetLoginAttempts(ip: string, email: string): Promise<void> {
  const all = getLimiters();
  const k = keys(ip, email);
  // Only give back what was taken (a counter that expired meanwhile must not go negative and bank credit).
  const giveBack = async (scope: "account" | "address") => {
    const res = await all[scope].get(k[scope]);
    if (res && res.consumedPoints > 0) await all[scope].reward(k[scope], 1);
  };
  await Promise.all([
    all["address+account"].delete(k["address+account"]),
    giveBack("account"),
    giveBack("address"),
  ]).catch(() => undefined);
}
