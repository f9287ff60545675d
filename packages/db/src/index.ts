// Generated Prisma client: PrismaClient, the Prisma namespace, model types and enums.

export {
  type CreateDbClientOptions,
  createDbClient,
  type DbClient,
  getAppDb,
  getAuthDb,
  getSystemDb,
} from "./client.ts";
export { disconnectAll } from "./disconnect.ts";
export { assertNoDefaultPasswords, type DatabaseUrls, DefaultDatabasePasswordError, databaseUrls } from "./env.ts";
export * from "./generated/prisma/client.ts";
export { closeHealthPool, getHealthPool, pingDatabase } from "./health.ts";
export { getSystemPool } from "./pool.ts";
export {
  normalizeTenantIds,
  TenantScopeError,
  type Tx,
  type TxOptions,
  type WithTenantOptions,
  withSystem,
  withTenant,
} from "./tenant.ts";
export {
  closeTenantReadPool,
  inlineSql,
  sqlLiteral,
  type TenantReadOptions,
  withTenantRead,
  withTenantReadAll,
} from "./with-tenant-read.ts";
