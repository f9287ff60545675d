import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrls } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";

export type DbClient = PrismaClient;

export interface CreateDbClientOptions {
  connectionString: string;
  /** Pool size (connections). */
  max?: number;
  applicationName?: string;
}

/**
 * A PrismaClient on its own pg pool (driver adapter). Prefer the singletons below; this exists
 * for tools and tests that need a specific role or pool size.
 */
export function createDbClient({ connectionString, max = 10, applicationName }: CreateDbClientOptions): DbClient {
  const adapter = new PrismaPg(
    {
      connectionString,
      max,
      application_name: applicationName,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
    },
    {
      // An idle connection killed by the server (restart, DROP DATABASE … WITH (FORCE)) must not
      // crash the process: pg drops it from the pool and the next query opens a new one.
      onPoolError: () => {},
      onConnectionError: () => {},
    },
  );
  return new PrismaClient({ adapter });
}

let appDb: DbClient | undefined;
let systemDb: DbClient | undefined;
let authDb: DbClient | undefined;

/** PrismaClient as steward_app (RLS applies). Use through withTenant(). */
export function getAppDb(): DbClient {
  appDb ??= createDbClient({
    connectionString: databaseUrls().appDatabaseUrl,
    max: 10,
    applicationName: "steward-app",
  });
  return appDb;
}

/** PrismaClient as steward_system (BYPASSRLS). Worker hot paths and identity lookups only. */
export function getSystemDb(): DbClient {
  systemDb ??= createDbClient({
    connectionString: databaseUrls().systemDatabaseUrl,
    max: 5,
    applicationName: "steward-system",
  });
  return systemDb;
}

/**
 * PrismaClient as steward_auth: identity only (login, session validation, access resolution, logout,
 * password change), through the SECURITY DEFINER functions of ADR 0015. Its own small pool, so neither
 * the request pool nor the worker's BYPASSRLS pool can starve sign-in and session checks.
 */
export function getAuthDb(): DbClient {
  authDb ??= createDbClient({
    connectionString: databaseUrls().authDatabaseUrl,
    max: 4,
    applicationName: "steward-auth",
  });
  return authDb;
}

/** Forgets the singletons and disconnects them (disconnect.ts: graceful shutdown, test teardown). */
export async function disconnectClients(): Promise<void> {
  const clients = [appDb, systemDb, authDb];
  appDb = undefined;
  systemDb = undefined;
  authDb = undefined;
  await Promise.all(clients.map((c) => c?.$disconnect()));
}
