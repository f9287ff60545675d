import { type Tx, withSystem } from "@steward/db";
import { insertAudit } from "../audit/emit-audit.ts";

/** Stamp every live session of a user as revoked (inside the caller's transaction). Returns how many. */
export async function revokeUserSessions(tx: Tx, userId: string, why: string): Promise<number> {
  const r = await tx.session.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date(), revokedWhy: why },
  });
  return r.count;
}

export interface RevokeSessionOptions {
  why?: string;
  requestId?: string | null;
  ip?: string | null;
}

/** Logout: revoke one session (idempotent) and audit `auth.logout` when it was live. */
export async function revokeSession(sessionId: string, opts: RevokeSessionOptions = {}): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return false;
  return withSystem(async (tx) => {
    const s = await tx.session.findUnique({
      where: { id: sessionId },
      select: { id: true, revokedAt: true, user: { select: { id: true, email: true, name: true } } },
    });
    if (!s || s.revokedAt) return false;
    await tx.session.update({
      where: { id: s.id },
      data: { revokedAt: new Date(), revokedWhy: opts.why ?? "logout" },
      select: { id: true },
    });
    await insertAudit(tx, {
      actor: { type: "USER", userId: s.user.id, email: s.user.email, name: s.user.name, sessionId: s.id },
      tenantId: null,
      action: "auth.logout",
      targetType: "session",
      targetId: s.id,
      requestId: opts.requestId ?? null,
      ip: opts.ip ?? null,
      metadata: { why: opts.why ?? "logout" },
    });
    return true;
  });
}
