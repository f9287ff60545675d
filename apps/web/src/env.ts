import { parseTrustedProxies, type TrustedProxy } from "@steward/domain";
import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

/** The web app's environment, validated once. Read env only here. */
export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    AUTH_SECRET: z.string().min(16).optional(),
    AUTH_URL: z.url().default("http://127.0.0.1:3000"),
    REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
    REDIS_PREFIX: z.string().default("steward"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Login attempts allowed per IP + e-mail per minute. */
    LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(5),
    /** Failed logins allowed per account (e-mail) across all addresses per 15 minutes. */
    LOGIN_ACCOUNT_RATE_LIMIT: z.coerce.number().int().positive().default(10),
    /** Failed logins allowed per client address (IPv6: per /64) across all accounts per 15 minutes. */
    LOGIN_ADDRESS_RATE_LIMIT: z.coerce.number().int().positive().default(20),
    /**
     * Proxies whose X-Forwarded-For is believed (CIDRs, comma- or space-separated; default none: the TCP
     * peer is the client). ADR 0014.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .refine((v) => parseTrustedProxies(v).ok, { message: "TRUSTED_PROXIES must be a list of IP addresses or CIDRs" }),
  },
  client: {},
  experimental__runtimeEnv: {},
  emptyStringAsUndefined: true,
  // next build evaluates modules without the runtime env; validation happens at start.
  skipValidation: process.env.SKIP_ENV_VALIDATION === "1",
});

const DEV_SECRET = "dev-only-secret-not-for-production-0123456789";
const building = process.env.NEXT_PHASE === "phase-production-build";
if (!env.AUTH_SECRET && env.NODE_ENV === "production" && !building) {
  throw new Error("AUTH_SECRET must be set in production (at least 16 characters).");
}
export const authSecret: string = env.AUTH_SECRET ?? DEV_SECRET;

// next-auth v4 reads NEXTAUTH_URL itself; our contract names it AUTH_URL.
process.env.NEXTAUTH_URL ??= env.AUTH_URL;

export const isProduction = env.NODE_ENV === "production";
/** Secure cookies whenever the app is served over https (always the case in a real deployment). */
export const secureCookies = env.AUTH_URL.startsWith("https://");

const parsedProxies = parseTrustedProxies(env.TRUSTED_PROXIES ?? "");
/** TRUSTED_PROXIES, parsed (validated above; empty when validation is skipped at build time). */
export const trustedProxies: readonly TrustedProxy[] = parsedProxies.ok ? parsedProxies.proxies : [];
