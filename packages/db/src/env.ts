import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/steward";

/** The only place @steward/db reads the environment. */
export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    /** Admin/owner URL: migrations, seed, test harness only. */
    DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
    /** Role steward_app (NOBYPASSRLS). Default: DATABASE_URL with user/password steward_app. */
    APP_DATABASE_URL: z.string().url().optional(),
    /** Role steward_system (BYPASSRLS, DML only). Default: DATABASE_URL with steward_system. */
    SYSTEM_DATABASE_URL: z.string().url().optional(),
    /** Role steward_auth (identity functions only, ADR 0015). Default: DATABASE_URL with steward_auth. */
    AUTH_DATABASE_URL: z.string().url().optional(),
    /**
     * "1": accept the built-in role passwords (password = role name) under NODE_ENV=production. Only the
     * local demo (`npm start`, loopback Postgres with trust authentication) sets it; a deployment sets
     * real passwords in the role URLs instead.
     */
    ALLOW_DEFAULT_DB_PASSWORDS: z.enum(["0", "1"]).default("0"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = user;
  return u.toString();
}

export interface DatabaseUrls {
  databaseUrl: string;
  appDatabaseUrl: string;
  systemDatabaseUrl: string;
  authDatabaseUrl: string;
}

/** Thrown at start-up when production would connect with a built-in role password. */
export class DefaultDatabasePasswordError extends Error {
  override name = "DefaultDatabasePasswordError";
}

/**
 * Fail closed: in production every application role's URL must carry a password that is not the
 * built-in default (the role's own name, which the derived URLs use), unless ALLOW_DEFAULT_DB_PASSWORDS=1.
 */
export function assertNoDefaultPasswords(
  urls: Omit<DatabaseUrls, "databaseUrl">,
  mode: { nodeEnv: string; allowDefault: boolean },
): void {
  if (mode.nodeEnv !== "production" || mode.allowDefault) return;
  for (const [name, url] of Object.entries(urls)) {
    const u = new URL(url);
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    if (!password || password === user) {
      throw new DefaultDatabasePasswordError(
        `${name}: role ${user || "(none)"} uses ${password ? "its built-in default password" : "no password"} in production; ` +
          "set APP_DATABASE_URL, SYSTEM_DATABASE_URL and AUTH_DATABASE_URL with real passwords " +
          "(or ALLOW_DEFAULT_DB_PASSWORDS=1 for a local demo on a trusted loopback database)",
      );
    }
  }
}

/** Connection URLs of the four roles, with the brief's defaults applied. */
export function databaseUrls(): DatabaseUrls {
  const roles = {
    appDatabaseUrl: env.APP_DATABASE_URL ?? withUser(env.DATABASE_URL, "steward_app"),
    systemDatabaseUrl: env.SYSTEM_DATABASE_URL ?? withUser(env.DATABASE_URL, "steward_system"),
    authDatabaseUrl: env.AUTH_DATABASE_URL ?? withUser(env.DATABASE_URL, "steward_auth"),
  };
  assertNoDefaultPasswords(roles, { nodeEnv: env.NODE_ENV, allowDefault: env.ALLOW_DEFAULT_DB_PASSWORDS === "1" });
  return { databaseUrl: env.DATABASE_URL, ...roles };
}
