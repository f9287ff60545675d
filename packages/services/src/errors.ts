/** Errors a service verb may throw. Mapped to tRPC / HTTP codes in one place (packages/api/src/errors.ts). */
export abstract class ServiceError extends Error {
  abstract readonly code:
    | "NOT_FOUND"
    | "FORBIDDEN"
    | "CONFLICT"
    | "VALIDATION"
    | "RATE_LIMITED"
    | "UNAUTHENTICATED"
    | "UNAVAILABLE";
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFoundError extends ServiceError {
  readonly code = "NOT_FOUND" as const;
}
export class ForbiddenError extends ServiceError {
  readonly code = "FORBIDDEN" as const;
}
export class ConflictError extends ServiceError {
  readonly code = "CONFLICT" as const;
}
export class ValidationError extends ServiceError {
  readonly code = "VALIDATION" as const;
}
export class RateLimitedError extends ServiceError {
  readonly code = "RATE_LIMITED" as const;
}
export class UnauthenticatedError extends ServiceError {
  readonly code = "UNAUTHENTICATED" as const;
}
/** Something the verb needs elsewhere is not there in time (no probe worker answered a "test now"). */
export class UnavailableError extends ServiceError {
  readonly code = "UNAVAILABLE" as const;
}
