import { isDatabaseUnavailable, ServiceError } from "@steward/services";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";

/** THE mapping from service errors to tRPC (and so HTTP) codes. Nowhere else. */
export const SERVICE_ERROR_CODES: Record<ServiceError["code"], TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  CONFLICT: "CONFLICT",
  VALIDATION: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAUTHENTICATED: "UNAUTHORIZED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/**
 * A ServiceError, also when it comes from another copy of @steward/services (bundlers, test module
 * registries): matched by class, or by an Error carrying one of the known service codes.
 */
export function isServiceError(e: unknown): e is ServiceError {
  if (e instanceof ServiceError) return true;
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === "string" && Object.hasOwn(SERVICE_ERROR_CODES, code);
}

function isZodError(e: unknown): e is z.ZodError {
  return (
    e instanceof z.ZodError ||
    (e instanceof Error && e.name === "ZodError" && Array.isArray((e as { issues?: unknown }).issues))
  );
}

/**
 * Turn whatever a procedure threw (already wrapped by tRPC as a TRPCError whose `cause` is the original)
 * into the TRPCError the client should see, or null to keep it as is.
 */
export function mapError(error: TRPCError): TRPCError | null {
  const cause = error.cause;
  if (isServiceError(cause)) {
    return new TRPCError({ code: SERVICE_ERROR_CODES[cause.code], message: cause.message, cause });
  }
  if (isZodError(cause) && error.code !== "BAD_REQUEST") {
    return new TRPCError({ code: "BAD_REQUEST", message: "Invalid input", cause });
  }
  if (error.code === "INTERNAL_SERVER_ERROR" && isDatabaseUnavailable(cause)) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "Service temporarily unavailable", cause });
  }
  return null;
}

/**
 * A subscription's stream with its errors mapped like a procedure's: an error thrown while streaming
 * (session ended → UNAUTHORIZED, tenant gone → NOT_FOUND, database lost → SERVICE_UNAVAILABLE) never
 * passes through the procedure middleware, so it is mapped here before tRPC serialises it.
 */
export async function* mapStreamErrors<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (e) {
    const error = e instanceof TRPCError ? e : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: e });
    throw mapError(error) ?? error;
  }
}

/** Details safe to send to the client for a mapped error. */
export function clientErrorData(error: TRPCError) {
  const cause = error.cause;
  return {
    zodError: isZodError(cause) ? z.flattenError(cause) : null,
    details: isServiceError(cause) ? (cause.details ?? null) : null,
  };
}

/**
 * The `Retry-After` seconds of a failed call: a limited verb (RateLimitedError) carries them in its
 * details. For the HTTP adapter's responseMeta, so a 429 says when to come back. undefined otherwise.
 */
export function retryAfterSeconds(errors: readonly TRPCError[]): number | undefined {
  for (const e of errors) {
    const s = isServiceError(e.cause) ? e.cause.details?.retryAfterSeconds : undefined;
    if (typeof s === "number" && Number.isFinite(s)) return Math.max(1, Math.ceil(s));
  }
  return undefined;
}

// NUL, or half of a UTF-16 surrogate pair (with the `u` flag a valid pair is one code point and no match).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what it looks for
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

/**
 * The dotted path of the first string (value or key) in a tRPC input that PostgreSQL cannot store in
 * `text` / `jsonb` — a NUL character or a lone surrogate — "" for the input itself, or null when there is
 * none. Iterative: hostile nesting cannot blow the stack.
 */
export function unstorableTextPath(input: unknown): string | null {
  const stack: [unknown, string][] = [[input, ""]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return path.slice(0, 200);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], path ? `${path}.${i}` : String(i)]);
    } else if (value && typeof value === "object" && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value)) {
        if (UNSTORABLE.test(k)) return (path ? `${path}.` : "") + "(a key)";
        stack.push([v, path ? `${path}.${k}` : k]);
      }
    }
  }
  return null;
}
