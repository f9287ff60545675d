import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { cache } from "react";
import { authSecret } from "../env.ts";
import { SESSION_COOKIE } from "./auth.ts";

/** Decode our next-auth JWT and return the server-side session id it carries (not yet validated). */
export async function sessionIdFromToken(token: string | undefined | null): Promise<string | null> {
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: authSecret });
    return typeof payload?.sid === "string" ? payload.sid : null;
  } catch {
    return null;
  }
}

export function sessionCookieFromHeader(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === SESSION_COOKIE) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/** The session id of the current server-component request (cached per request). */
export const currentSessionId = cache(async (): Promise<string | null> => {
  const jar = await cookies();
  return sessionIdFromToken(jar.get(SESSION_COOKIE)?.value);
});
