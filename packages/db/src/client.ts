import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrls } from "./env.ts";
import { PrismaClient } from "./generated/prisma/client.ts";
import { closeSystemPool } from "./pool.ts";
import { closeTenantReadPool } from "./with-tenant-read.ts";

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

/** Disconnects every client and pool this module created (graceful shutdown, test teardown). */
export async function disconnectAll(): Promise<void> {
  const clients = [appDb, systemDb];
  appDb = undefined;
  systemDb = undefined;
  await Promise.all([...clients.map((c) => c?.$disconnect()), closeSystemPool(), closeTenantReadPool()]);
}
