import { type DbClient, getAppDb, getSystemDb } from "./client.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { normalizeTenantIds } from "./tenant-ids.ts";

export { normalizeTenantIds, TenantScopeError } from "./tenant-ids.ts";

/** The client handed to a withTenant/withSystem callback (an interactive transaction). */
export type Tx = Prisma.TransactionClient;

export interface TxOptions {
  /** Max wait for a pool connection (ms). Default 10 s. */
  maxWait?: number;
  /** Max duration of the transaction (ms). Default 15 s. */
  timeout?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

export interface WithTenantOptions extends TxOptions {
  /** Client to run on (default getAppDb()). Must connect as a NOBYPASSRLS role. */
  db?: DbClient;
}

const DEFAULTS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * Runs `fn` in one interactive transaction as steward_app with `app.tenant_ids` set (transaction
 * local) to the given tenants, so row-level security shows and accepts only their rows.
 */
export async function withTenant<T>(
  tenantIds: string | readonly string[],
  fn: (tx: Tx) => Promise<T>,
  options: WithTenantOptions = {},
): Promise<T> {
  const ids = normalizeTenantIds(tenantIds);
  const { db = getAppDb(), ...txOptions } = options;
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`select set_config('app.tenant_ids', ${ids.join(",")}, true)`;
      return fn(tx);
    },
    { ...DEFAULTS, ...txOptions },
  );
}

/** Runs `fn` in one transaction as steward_system (BYPASSRLS): system jobs, identity lookups. */
export async function withSystem<T>(fn: (tx: Tx) => Promise<T>, options: TxOptions = {}): Promise<T> {
  return getSystemDb().$transaction(fn, { ...DEFAULTS, ...options });
}
