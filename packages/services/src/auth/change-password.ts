import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { UnauthenticatedError, ValidationError } from "../errors.ts";
import { authDb, withAuth } from "./auth-db.ts";
import { returnChangePasswordAttempt, takeChangePasswordAttempt } from "./change-password-limit.ts";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "./hash-password.ts";

export const ChangePasswordInput = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH),
});
export type ChangePasswordInput = z.input<typeof ChangePasswordInput>;

export { CHANGE_PASSWORD_MAX_FAILURES, CHANGE_PASSWORD_WINDOW_MS } from "./change-password-limit.ts";

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
  const [user] = await authDb().$queryRaw<{ password_hash: string; disabled: boolean }[]>`
    select password_hash, disabled from steward_auth_password_hash(${userId}::uuid)`;
  if (!user || user.disabled) throw new UnauthenticatedError("Unknown user");
  // The budget is taken before the (slow) verification, atomically: parallel guesses cannot outrun it.
  await takeChangePasswordAttempt(userId);
  let right: boolean;
  try {
    right = await verifyPassword(user.password_hash, input.currentPassword);
  } catch (err) {
    await returnChangePasswordAttempt(userId); // not checked (e.g. the hash gate was busy): not a guess
    throw err;
  }
  if (!right) {
    // steward_auth may append tenant-less audit rows (ADR 0015): every failure is on record.
    await withAuth((tx) =>
      emitAudit(tx, ctx, {
        tenantId: null,
        action: "user.change_password_failed",
        targetType: "user",
        targetId: userId,
      }),
    );
    throw new ValidationError("The current password is incorrect", { field: "currentPassword" });
  }
  await returnChangePasswordAttempt(userId);
  const passwordHash = await hashPassword(input.newPassword);
  return withAuth(async (tx) => {
    // Stores the hash, stamps passwordSetAt with the database clock (as sessions.created_at, compared in
    // validateSession) and revokes every live session of the user.
    const [row] = await tx.$queryRaw<{ n: number | null }[]>`
      select steward_auth_set_password(${userId}::uuid, ${passwordHash}, 'password_change') as n`;
    if (row?.n == null) throw new UnauthenticatedError("Unknown user");
    const revokedSessions = row.n;
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
