import type { Permission } from "@steward/domain";
import type { ServiceContext } from "./context.ts";
import { ForbiddenError } from "./errors.ts";

/** Throws Forbidden unless the actor holds `permission` in ctx.tenant. */
export function requirePermission(ctx: ServiceContext, permission: Permission): void {
  if (!ctx.permissions.has(permission)) {
    throw new ForbiddenError(`Missing permission ${permission}`, { permission });
  }
}
