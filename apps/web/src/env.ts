import { randomBytes } from "node:crypto";
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

/**
 * The session signing secret. There is no built-in one: without AUTH_SECRET the web refuses to start,
 * except in an explicit development or test mode (NODE_ENV set to "development" by `next dev`, or
 * "test"), where a random secret is generated once per process (sessions end when the dev server
 * restarts). `npm start` passes the secret it generates once into .data/auth-secret (scripts/lib/stack.mjs).
 */
export class MissingAuthSecretError extends Error {
  override name = "MissingAuthSecretError";
}

export function resolveAuthSecret(
  secret: string | undefined,
  nodeEnv: string | undefined,
  building = false,
): string | undefined {
  if (secret) return secret;
  if (nodeEnv === "development" || nodeEnv === "test") {
    const g = globalThis as { __stewardEphemeralAuthSecret?: string };
    g.__stewardEphemeralAuthSecret ??= randomBytes(32).toString("base64url");
    return g.__stewardEphemeralAuthSecret;
  }
  // next build evaluates modules without the runtime env; the secret is checked when the server starts.
  if (building) return undefined;
  throw new MissingAuthSecretError(
    "AUTH_SECRET must be set (at least 16 characters; e.g. `openssl rand -base64 32`) unless NODE_ENV=development",
  );
}

const building = process.env.NEXT_PHASE === "phase-production-build";
export const authSecret: string = resolveAuthSecret(env.AUTH_SECRET, process.env.NODE_ENV, building) ?? "";

// next-auth v4 reads NEXTAUTH_URL itself; our contract names it AUTH_URL.
process.env.NEXTAUTH_URL ??= env.AUTH_URL;

export const isProduction = env.NODE_ENV === "production";
/** Secure cookies whenever the app is served over https (always the case in a real deployment). */
export const secureCookies = env.AUTH_URL.startsWith("https://");

const parsedProxies = parseTrustedProxies(env.TRUSTED_PROXIES ?? "");
/** TRUSTED_PROXIES, parsed (validated above; empty when validation is skipped at build time). */
export const trustedProxies: readonly TrustedProxy[] = parsedProxies.ok ? parsedProxies.proxies : [];
