/** Unique-constraint violation from Prisma (P2002) or raw pg (23505). */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if (code === "P2002" || code === "23505") return true;
  const cause = (e as { cause?: unknown }).cause;
  return cause !== undefined && cause !== e && isUniqueViolation(cause);
}
