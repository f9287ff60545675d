/**
 * The slice of a `pg` client the probe hot path needs (a PoolClient inside a transaction satisfies it).
 * Probe ingest runs on raw `pg` (getSystemPool), not Prisma: one statement per flush (toolchain.md).
 */
export interface SqlClient {
  // biome-ignore lint/suspicious/noExplicitAny: row shapes are declared per query
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}
