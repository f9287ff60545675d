import { z } from "zod";
import { insertAudit } from "../audit/emit-audit.ts";
import { UnauthenticatedError } from "../errors.ts";
import { authDb, withAuth } from "./auth-db.ts";
import { getDummyHash, PASSWORD_MAX_LENGTH, verifyPassword } from "./hash-password.ts";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export const AuthenticateWithPasswordInput = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(PASSWORD_MAX_LENGTH),
  ip: z.string().max(100).nullish(),
  userAgent: z.string().max(1000).nullish(),
  requestId: z.string().max(200).nullish(),
});
export type AuthenticateWithPasswordInput = z.input<typeof AuthenticateWithPasswordInput>;

export interface AuthenticatedSession {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

const INVALID = "Invalid e-mail or password";

/**
 * Password login. Runs as steward_auth (no tenant is known yet; ADR 0015): the hash comes from
 * steward_auth_login_lookup, the session from steward_auth_open_session. On success: a Session row (12 h) and an
 * `auth.login` audit row; on failure: an `auth.login_failed` row and UnauthenticatedError. An unknown e-mail
 * verifies against a dummy argon2id hash so it costs the same as a wrong password.
 */
export async function authenticateWithPassword(rawInput: AuthenticateWithPasswordInput): Promise<AuthenticatedSession> {
  const parsed = AuthenticateWithPasswordInput.safeParse(rawInput);
  if (!parsed.success) throw new UnauthenticatedError(INVALID);
  const input = parsed.data;

  const [found] = await authDb().$queryRaw<{ id: string; password_hash: string; disabled: boolean }[]>`
    select user_id::text as id, password_hash, disabled from steward_auth_login_lookup(${input.email})`;
  const user = found ? { id: found.id, email: input.email, disabled: found.disabled } : null;
  const ok = await verifyPassword(found?.password_hash ?? (await getDummyHash()), input.password);
  const success = !!user && ok && !user.disabled;

  const result = await withAuth(async (tx) => {
    const base = { requestId: input.requestId ?? null, ip: input.ip ?? null, tenantId: null };
    if (!success) {
      await insertAudit(tx, {
        ...base,
        actor: { type: "USER", userId: user?.id ?? "", email: input.email, name: input.email, sessionId: null },
        actorId: user?.id ?? null,
        actorLabel: input.email.slice(0, 320) || "(empty)",
        action: "auth.login_failed",
        targetType: "user",
        targetId: user?.id ?? null,
        metadata: { reason: !user ? "unknown_email" : user.disabled ? "disabled" : "bad_password" },
      });
      return null;
    }
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    const [opened] = await tx.$queryRaw<{ id: string | null }[]>`
      select steward_auth_open_session(${user.id}::uuid, ${expiresAt.toISOString()}::timestamptz, ${input.ip ?? null}, ${input.userAgent ?? null})::text as id`;
    const session = { id: opened?.id ?? null };
    if (!session.id) return null; // disabled between the lookup and here
    await insertAudit(tx, {
      ...base,
      actor: { type: "USER", userId: user.id, email: user.email, name: user.email, sessionId: session.id },
      action: "auth.login",
      targetType: "session",
      targetId: session.id,
      metadata: { userAgent: input.userAgent ?? null },
    });
    return { sessionId: session.id, userId: user.id, expiresAt };
  });
  if (!result) throw new UnauthenticatedError(INVALID);
  return result;
}
