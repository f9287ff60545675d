import type { Permission } from "@steward/domain";
import { buildTenantContext, buildUserContext, type ServiceContext, type SessionUser } from "@steward/services";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import type { ApiContext } from "./context.ts";
import { isProduction } from "./env.ts";
import { clientErrorData, isServiceError, mapError, unstorableTextPath } from "./errors.ts";

/** Declared on every procedure; the authorisation matrix test cross-checks it against policy.ts. */
export interface ProcedureMeta {
  kind?: "public" | "authed" | "tenant";
  permission?: Permission;
}

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    isDev: !isProduction,
    errorFormatter({ shape, error }) {
      // A 503 of our own (UnavailableError: "No probe worker in region X answered …") says what happened;
      // one from a failing database does not.
      const hide =
        isProduction &&
        (error.code === "INTERNAL_SERVER_ERROR" ||
          (error.code === "SERVICE_UNAVAILABLE" && !isServiceError(error.cause)));
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        message: hide
          ? error.code === "SERVICE_UNAVAILABLE"
            ? "Service temporarily unavailable"
            : "Internal server error"
          : shape.message,
        data: {
          ...data,
          ...(isProduction ? {} : { stack: _stack }),
          ...(hide ? { zodError: null, details: null } : clientErrorData(error)),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Maps ServiceError / ZodError / database-unavailable causes to tRPC codes. tRPC hands a failed procedure
 * back to middleware as `{ ok: false, error }`, so this inspects the result instead of try/catch.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = mapError(result.error);
    if (mapped) throw mapped;
  }
  return result;
});

/**
 * The net under the per-field text schemas (@steward/domain SingleLineText / MultiLineText): a NUL
 * character or a lone surrogate anywhere in the input — also inside free-form JSON such as a monitor's
 * `config`, or in a key — is a 400 before any procedure runs (PostgreSQL cannot store either in text or
 * jsonb; both used to be a 500).
 */
const refuseUnstorableText = t.middleware(async ({ getRawInput, next }) => {
  const path = unstorableTextPath(await getRawInput());
  if (path !== null) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Text cannot contain NUL characters or invalid Unicode${path ? ` (in ${path})` : ""}`,
    });
  }
  return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(refuseUnstorableText).meta({ kind: "public" });

/** A valid, unrevoked session. ctx.service is a context outside any tenant. */
export const authedProcedure = publicProcedure.meta({ kind: "authed" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  const user: SessionUser = ctx.user;
  const service: ServiceContext = buildUserContext(user, null, { requestId: ctx.requestId, ip: ctx.ip });
  return next({ ctx: { user, service } });
});

export const TenantInput = z.object({ tenantId: z.uuid() });

/**
 * input.tenantId must be reachable by the user (membership + scope, resolved per request); otherwise
 * NOT_FOUND — never FORBIDDEN, so tenants cannot be probed. ctx.service is the tenant's ServiceContext.
 */
export const tenantProcedure = authedProcedure
  .meta({ kind: "tenant" })
  .input(TenantInput)
  .use(async ({ ctx, input, next }) => {
    const access = await ctx.access();
    const service = buildTenantContext(ctx.user, access, input.tenantId, { requestId: ctx.requestId, ip: ctx.ip });
    return next({ ctx: { service, access } });
  });

/** tenantProcedure + the permission `p` in that tenant (FORBIDDEN otherwise). Services check again. */
export function permission(p: Permission) {
  return tenantProcedure.meta({ kind: "tenant", permission: p }).use(({ ctx, next }) => {
    if (!ctx.service.permissions.has(p)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Missing permission ${p}` });
    }
    return next();
  });
}
