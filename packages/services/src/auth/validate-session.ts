import { z } from "zod";
import { authDb } from "./auth-db.ts";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  sessionId: string;
}

const SessionId = z.uuid();

/**
 * The user behind a session id, or null when the session is unknown, revoked, expired, its user disabled,
 * or it was minted before the user's last password change. Touches lastSeenAt at most once a minute.
 * Hot path (every request): one statement on the identity pool (steward_auth_session_user, ADR 0015).
 */
export async function validateSession(sessionId: string | null | undefined): Promise<SessionUser | null> {
  if (!sessionId || !SessionId.safeParse(sessionId).success) return null;
  const rows = await authDb().$queryRaw<{ user_id: string; email: string; name: string }[]>`
    select user_id::text as user_id, email, name from steward_auth_session_user(${sessionId}::uuid)`;
  const u = rows[0];
  return u ? { id: u.user_id, email: u.email, name: u.name, sessionId: sessionId.toLowerCase() } : null;
}
