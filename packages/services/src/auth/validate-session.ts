import { getSystemDb } from "@steward/db";
import { z } from "zod";

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  sessionId: string;
}

const TOUCH_EVERY_MS = 60_000;
const SessionId = z.uuid();

/**
 * The user behind a session id, or null when the session is unknown, revoked, expired, its user disabled,
 * or it was minted before the user's last password change. Touches lastSeenAt at most once a minute.
 */
export async function validateSession(sessionId: string | null | undefined): Promise<SessionUser | null> {
  if (!sessionId || !SessionId.safeParse(sessionId).success) return null;
  // Hot path (every request): plain statements on the system client, no transaction round trips.
  const db = getSystemDb();
  const s = await db.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      revokedAt: true,
      user: { select: { id: true, email: true, name: true, disabledAt: true, passwordSetAt: true } },
    },
  });
  const now = Date.now();
  if (!s || s.revokedAt || s.expiresAt.getTime() <= now) return null;
  if (s.user.disabledAt || s.createdAt.getTime() < s.user.passwordSetAt.getTime()) return null;
  if (now - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.session.updateMany({
      where: { id: s.id, lastSeenAt: { lt: new Date(now - TOUCH_EVERY_MS) } },
      data: { lastSeenAt: new Date(now) },
    });
  }
  return { id: s.user.id, email: s.user.email, name: s.user.name, sessionId: s.id };
}
