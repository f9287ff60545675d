import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/steward";

/** The only place @steward/db reads the environment. */
export const env = createEnv({
  server: {
    /** Admin/owner URL: migrations, seed, test harness only. */
    DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
    /** Role steward_app (NOBYPASSRLS). Default: DATABASE_URL with user/password steward_app. */
    APP_DATABASE_URL: z.string().url().optional(),
    /** Role steward_system (BYPASSRLS, DML only). Default: DATABASE_URL with steward_system. */
    SYSTEM_DATABASE_URL: z.string().url().optional(),
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

/** Connection URLs of the three roles, with the brief's defaults applied. */
export function databaseUrls(): { databaseUrl: string; appDatabaseUrl: string; systemDatabaseUrl: string } {
  return {
    databaseUrl: env.DATABASE_URL,
    appDatabaseUrl: env.APP_DATABASE_URL ?? withUser(env.DATABASE_URL, "steward_app"),
    systemDatabaseUrl: env.SYSTEM_DATABASE_URL ?? withUser(env.DATABASE_URL, "steward_system"),
  };
}
