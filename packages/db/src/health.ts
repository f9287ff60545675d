import pg from "pg";
import { databaseUrls } from "./env.ts";

/**
 * The readiness probe's own database connection (ADR 0015): ONE connection as steward_app, never a
 * connection of the request, identity or worker pools, so an unauthenticated flood of health checks
 * can delay only other health checks. Concurrent checks share one in-flight `select 1`.
 */
let pool: pg.Pool | undefined;
let inFlight: Promise<boolean> | undefined;

/** The health pool (exported for tests: hold its connection to prove nothing else waits on it). */
export function getHealthPool(): pg.Pool {
  if (!pool) {
    const p = new pg.Pool({
      connectionString: databaseUrls().appDatabaseUrl,
      max: 1,
      application_name: "steward-health",
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 2_000,
      // A hung server cannot pin the one connection for long.
      statement_timeout: 5_000,
      query_timeout: 5_000,
    });
    p.on("error", () => {});
    pool = p;
  }
  return pool;
}

async function ping(timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const query = Promise.resolve()
    .then(() => getHealthPool().query("select 1 as ok"))
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when Postgres answers `select 1` on the health connection within `timeoutMs`. Never throws. */
export function pingDatabase(timeoutMs = 2000): Promise<boolean> {
  inFlight ??= ping(timeoutMs).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

export async function closeHealthPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  inFlight = undefined;
  await p?.end();
}
