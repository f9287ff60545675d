import { withSystem } from "@steward/db";
import { z } from "zod";
import { insertAudit } from "../audit/emit-audit.ts";
import { UnauthenticatedError } from "../errors.ts";
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
 * Password login. Runs as the system role (no tenant is known yet). On success: a Session row (12 h) and an
 * `auth.login` audit row; on failure: an `auth.login_failed` row and UnauthenticatedError. An unknown e-mail
 * verifies against a dummy argon2id hash so it costs the same as a wrong password.
 */
export async function authenticateWithPassword(rawInput: AuthenticateWithPasswordInput): Promise<AuthenticatedSession> {
  const parsed = AuthenticateWithPasswordInput.safeParse(rawInput);
  if (!parsed.success) throw new UnauthenticatedError(INVALID);
  const input = parsed.data;

  const user = await withSystem((tx) =>
    tx.user.findUnique({
      where: { email: input.email },
      select: { id: true, email: true, passwordHash: true, disabledAt: true },
    }),
  );
  const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), input.password);
  const success = !!user && ok && !user.disabledAt;

  const result = await withSystem(async (tx) => {
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
        metadata: { reason: !user ? "unknown_email" : user.disabledAt ? "disabled" : "bad_password" },
      });
      return null;
    }
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    const session = await tx.session.create({
      data: { userId: user.id, expiresAt, ip: input.ip ?? null, userAgent: input.userAgent ?? null },
      select: { id: true },
    });
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() }, select: { id: true } });
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
