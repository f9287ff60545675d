import { getAuthDb, type Tx } from "@steward/db";

/**
 * Identity statements run as steward_auth (ADR 0015): the role has no table privileges beyond appending
 * tenant-less audit rows; each statement calls one SECURITY DEFINER function that returns only what its
 * caller needs. Never the BYPASSRLS system pool, never the request pool.
 */
export function authDb() {
  return getAuthDb();
}

/** One transaction as steward_auth (a login's session + audit row, a password change + audit row). */
export function withAuth<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  return getAuthDb().$transaction(fn, { maxWait: 10_000, timeout: 15_000 });
}
