/** Unique-constraint violation from Prisma (P2002) or raw pg (23505). */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (code === "P2002" || code === "23505") return true;
  const cause = (e as { cause?: unknown }).cause;
  return cause !== undefined && cause !== e && isUniqueViolation(cause);
}

/** Postgres/Prisma/driver codes meaning "the database is not reachable right now" (not a bad statement). */
const UNAVAILABLE_CODES = new Set([
  "P1001", // can't reach database server
  "P1002", // timed out
  "P1017", // server closed the connection
  "P2024", // timed out fetching a connection from the pool
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "08000",
  "08001",
  "08003",
  "08006",
]);
const UNAVAILABLE_MESSAGE =
  /DatabaseNotReachable|Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i;

/**
 * The database is unreachable (down, restarting, refusing connections, connection cut): worth waiting
 * for, unlike an error in what was sent. Looks through `cause` chains (Prisma wraps driver errors).
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (depth > 4 || typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  const msg = (e as { message?: unknown }).message;
  if (typeof msg === "string" && UNAVAILABLE_MESSAGE.test(msg)) return true;
  return isDatabaseUnavailable((e as { cause?: unknown }).cause, depth + 1);
}
