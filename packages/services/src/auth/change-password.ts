import { withSystem } from "@steward/db";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { RateLimitedError, UnauthenticatedError, ValidationError } from "../errors.ts";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "./hash-password.ts";
import { revokeUserSessions } from "./revoke-session.ts";

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH),
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

/**
 * Wrong current passwords allowed per user in CHANGE_PASSWORD_WINDOW_MS: a stolen session must not become
 * an unthrottled password oracle. Each failure is an audit row (`user.change_password_failed`, with the
 * request's address), and the rows are the counter (audit_logs is indexed by actor and time).
 */
export const CHANGE_PASSWORD_MAX_FAILURES = 5;
export const CHANGE_PASSWORD_WINDOW_MS = 15 * 60 * 1000;

/**
 * Change the acting user's password: verifies the current one, stores a new argon2id hash, bumps
 * passwordSetAt and revokes ALL the user's sessions (the caller must log in again). Audited as
 * `user.change_password` (no tenant).
 */
export async function changePassword(ctx: ServiceContext, rawInput: ChangePasswordInput) {
  if (ctx.actor.type !== "USER") throw new UnauthenticatedError("Only a signed-in user can change their password");
  const input = ChangePasswordInput.parse(rawInput);
  if (input.newPassword === input.currentPassword) {
    throw new ValidationError("The new password must differ from the current one", { field: "newPassword" });
  }
  const userId = ctx.actor.userId;
  const user = await withSystem((tx) =>
    tx.user.findUnique({ where: { id: userId }, select: { id: true, passwordHash: true, disabledAt: true } }),
  );
  if (!user || user.disabledAt) throw new UnauthenticatedError("Unknown user");
  const since = new Date(Date.now() - CHANGE_PASSWORD_WINDOW_MS);
  const failures = await withSystem((tx) =>
    tx.auditLog.findMany({
      where: { actorId: userId, action: "user.change_password_failed", createdAt: { gt: since } },
      orderBy: { createdAt: "asc" },
      take: CHANGE_PASSWORD_MAX_FAILURES,
      select: { createdAt: true },
    }),
  );
  if (failures.length >= CHANGE_PASSWORD_MAX_FAILURES) {
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((failures[0]!.createdAt.getTime() + CHANGE_PASSWORD_WINDOW_MS - Date.now()) / 1000),
    );
    throw new RateLimitedError(`Too many wrong passwords; try again in ${retryAfterSeconds} seconds`, {
      retryAfterSeconds,
    });
  }
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await withSystem((tx) =>
      emitAudit(tx, ctx, {
        tenantId: null,
        action: "user.change_password_failed",
        targetType: "user",
        targetId: userId,
      }),
    );
    throw new ValidationError("The current password is incorrect", { field: "currentPassword" });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return withSystem(async (tx) => {
    // The database clock stamps passwordSetAt, as it stamps sessions.created_at (compared in validateSession).
    await tx.$executeRaw`update users set password_hash = ${passwordHash}, password_set_at = now(), updated_at = now() where id = ${userId}::uuid`;
    const revokedSessions = await revokeUserSessions(tx, userId, "password_change");
    await emitAudit(tx, ctx, {
      tenantId: null,
      action: "user.change_password",
      targetType: "user",
      targetId: userId,
      metadata: { revokedSessions },
    });
    return { revokedSessions };
  });
}
