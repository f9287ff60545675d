import pg from "pg";
import { databaseUrls } from "./env.ts";

let systemPool: pg.Pool | undefined;

/**
 * Raw `pg` pool as steward_system (BYPASSRLS) for hot paths (batched probe ingest with UNNEST/COPY,
 * scheduler reconcile). Never use it for a tenant-scoped request.
 */
export function getSystemPool(): pg.Pool {
  if (!systemPool) {
    const pool = new pg.Pool({
      connectionString: databaseUrls().systemDatabaseUrl,
      max: 5,
      application_name: "steward-system-pool",
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      // A connection cut without a FIN/RST (a host gone, a partition) is noticed by TCP keepalive rather
      // than after the kernel's retransmission timeout (≈ 15 min) of the next write.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // Idle clients killed by the server are removed from the pool; do not crash the process.
    pool.on("error", () => {});
    systemPool = pool;
  }
  return systemPool;
}

export async function closeSystemPool(): Promise<void> {
  const pool = systemPool;
  systemPool = undefined;
  await pool?.end();
}
