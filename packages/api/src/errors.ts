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
