import { pingDatabase } from "@steward/db";

/**
 * Readiness probe: true when Postgres answers a trivial query within `timeoutMs`. Runs on the health
 * check's own single connection (ADR 0015), never a request, identity or worker pool connection, so a
 * flood of unauthenticated readiness checks cannot starve sign-in or session validation.
 */
export function checkDatabase(timeoutMs = 2000): Promise<boolean> {
  return pingDatabase(timeoutMs);
}
