import "server-only";
import { authenticateWithPassword, revokeSession } from "@steward/services";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authSecret, secureCookies } from "../env.ts";
import { safeRedirectUrl } from "../lib/safe-redirect.ts";
import { logger } from "./logger.ts";
import { consumeLoginAttempt, resetLoginAttempts } from "./rate-limit.ts";
import { clientIp } from "./request-info.ts";

/** Session lifetime (the server-side row decides; the JWT only carries its id). */
export const SESSION_MAX_AGE = 12 * 60 * 60;

export const SESSION_COOKIE = secureCookies ? "__Secure-steward.session" : "steward.session";
const cookiePrefix = secureCookies ? "__Secure-" : "";
const cookieOptions = { httpOnly: true, sameSite: "lax" as const, path: "/", secure: secureCookies };

/** Error codes the login page turns into messages. */
export const LOGIN_ERRORS = { invalid: "INVALID_CREDENTIALS", rateLimited: "RATE_LIMITED", busy: "BUSY" } as const;

function headersOf(req: { headers?: unknown } | undefined): Headers {
  const h = new Headers();
  const raw = req?.headers;
  if (raw instanceof Headers) return raw;
  if (raw && typeof raw === "object") {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v === "string") h.set(k, v);
      else if (Array.isArray(v)) h.set(k, v.join(", "));
    }
  }
  return h;
}

export const authOptions: NextAuthOptions = {
  secret: authSecret,
  useSecureCookies: secureCookies,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
  jwt: { maxAge: SESSION_MAX_AGE },
  pages: { signIn: "/login", error: "/login" },
  cookies: {
    sessionToken: { name: SESSION_COOKIE, options: cookieOptions },
    callbackUrl: { name: `${cookiePrefix}steward.callback-url`, options: cookieOptions },
    csrfToken: { name: `${secureCookies ? "__Host-" : ""}steward.csrf-token`, options: cookieOptions },
  },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = credentials?.email?.trim().toLowerCase() ?? "";
        const password = credentials?.password ?? "";
        if (!email || !password) throw new Error(LOGIN_ERRORS.invalid);
        const headers = headersOf(req);
        const ip = clientIp(headers);
        // Counted here (every bucket); the route answers 429 up front once a budget is spent.
        const limit = await consumeLoginAttempt(ip, email);
        if (!limit.ok) {
          logger.warn({ ip, email, scope: limit.scope }, "login rate-limited");
          throw new Error(`${LOGIN_ERRORS.rateLimited}:${limit.retryAfterSeconds}`);
        }
        const result = await authenticateWithPassword({
          email,
          password,
          ip,
          userAgent: headers.get("user-agent"),
        }).catch((err: unknown) => {
          if (err instanceof Error && err.name === "PasswordHashBusyError") {
            logger.warn({ email, ip }, "login refused: argon2 gate full");
            throw new Error(`${LOGIN_ERRORS.busy}:1`);
          }
          logger.info({ email, ip, err: err instanceof Error ? err.message : String(err) }, "login failed");
          return null;
        });
        if (!result) throw new Error(LOGIN_ERRORS.invalid);
        await resetLoginAttempts(ip, email);
        logger.info({ userId: result.userId, ip }, "login");
        // The JWT will carry only the server-side session id.
        return { id: result.sessionId };
      },
    }),
  ],
  callbacks: {
    // Only same-origin paths, whatever the spelling (lib/safe-redirect.ts); next-auth's default lets
    // `/\t/evil.example` through as a path.
    redirect({ url, baseUrl }) {
      return safeRedirectUrl(url, baseUrl);
    },
    jwt({ token, user }) {
      if (user) return { sid: user.id };
      return typeof token.sid === "string" ? { sid: token.sid } : {};
    },
    session({ session }) {
      // Nothing about the user leaves via /api/auth/session; the app asks tRPC (me.get).
      return { expires: session.expires };
    },
  },
  events: {
    async signOut({ token }) {
      const sid = typeof token?.sid === "string" ? token.sid : null;
      if (sid)
        await revokeSession(sid, { why: "logout" }).catch((err: unknown) =>
          logger.error({ err }, "revoke on sign-out failed"),
        );
    },
  },
  logger: {
    error: (code, metadata) => logger.error({ code, metadata }, "next-auth error"),
    warn: (code) => logger.warn({ code }, "next-auth warning"),
    debug: () => {},
  },
};
