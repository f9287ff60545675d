import type { Tx } from "@steward/db";
import { insertAudit } from "../audit/emit-audit.ts";
import { withAuth } from "./auth-db.ts";

/**
 * Revoke every live session of the user holding `membershipId` (inside the caller's withTenant
 * transaction, as steward_app): steward_revoke_member_sessions only acts on a membership of the
 * transaction's tenants. Call it before deleting the membership. Returns how many were revoked.
 */
export async function revokeMemberSessions(tx: Tx, membershipId: string, why: string): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number }[]>`
    select steward_revoke_member_sessions(${membershipId}::uuid, ${why}) as n`;
  return rows[0]?.n ?? 0;
}

export interface RevokeSessionOptions {
  why?: string;
  requestId?: string | null;
  ip?: string | null;
}

/** Logout: revoke one session (idempotent) and audit `auth.logout` when it was live. */
export async function revokeSession(sessionId: string, opts: RevokeSessionOptions = {}): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sessionId)) return false;
  const why = opts.why ?? "logout";
  return withAuth(async (tx) => {
    const [user] = await tx.$queryRaw<{ id: string; email: string; name: string }[]>`
      select user_id::text as id, email, name from steward_auth_revoke_session(${sessionId}::uuid, ${why})`;
    if (!user) return false;
    await insertAudit(tx, {
      actor: { type: "USER", userId: user.id, email: user.email, name: user.name, sessionId },
      tenantId: null,
      action: "auth.logout",
      targetType: "session",
      targetId: sessionId,
      requestId: opts.requestId ?? null,
      ip: opts.ip ?? null,
      metadata: { why },
    });
    return true;
  });
}
