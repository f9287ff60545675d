import NextAuth from "next-auth";
import { env } from "~/env.ts";
import { authOptions, LOGIN_ERRORS } from "~/server/auth.ts";
import { logger } from "~/server/logger.ts";
import { peekLoginLimit } from "~/server/rate-limit.ts";
import { clientIp } from "~/server/request-info.ts";

const handler = NextAuth(authOptions);
type Context = { params: Promise<{ nextauth: string[] }> };

/** Answer for a refused sign-in: the JSON next-auth's client reads (`url` with `?error=`), and the HTTP code. */
function refused(status: 429 | 503, code: string, retryAfterSeconds: number): Response {
  const url = new URL("/login", env.AUTH_URL);
  url.searchParams.set("error", `${code}:${retryAfterSeconds}`);
  return Response.json(
    { url: url.toString(), error: code, retryAfterSeconds },
    { status, headers: { "retry-after": String(retryAfterSeconds), "cache-control": "no-store" } },
  );
}

async function emailOf(req: Request): Promise<string> {
  try {
    const type = req.headers.get("content-type") ?? "";
    if (type.includes("application/json")) {
      const body = (await req.json()) as { email?: unknown };
      return typeof body.email === "string" ? body.email : "";
    }
    return new URLSearchParams(await req.text()).get("email") ?? "";
  } catch {
    return "";
  }
}

/**
 * Credentials sign-in (POST /api/auth/callback/credentials) answers HTTP 429 with Retry-After when a
 * login budget is spent (server/rate-limit.ts): checked here before next-auth runs, and next-auth's own
 * refusal (the attempt that crossed the line inside authorize) is turned into the same 429; a full argon2
 * gate is 503 with Retry-After. Everything else is next-auth's answer as is.
 */
async function POST(req: Request, ctx: Context): Promise<Response> {
  const isCredentials = new URL(req.url).pathname.endsWith("/callback/credentials");
  if (isCredentials) {
    const email = (await emailOf(req.clone())).trim().toLowerCase();
    const ip = clientIp(req.headers);
    const limit = await peekLoginLimit(ip, email);
    if (!limit.ok) {
      logger.warn({ ip, email, scope: limit.scope }, "login rate-limited");
      return refused(429, LOGIN_ERRORS.rateLimited, limit.retryAfterSeconds);
    }
  }
  // biome-ignore lint/suspicious/noExplicitAny: next-auth's handler is typed for both routers
  const res: Response = await (handler as any)(req, ctx);
  if (!isCredentials || res.ok || !(res.headers.get("content-type") ?? "").includes("application/json")) return res;
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as { url?: string } | null;
  const error = body?.url ? new URL(body.url, env.AUTH_URL).searchParams.get("error") : null;
  const [code, seconds] = (error ?? "").split(":");
  if (code === LOGIN_ERRORS.rateLimited) return refused(429, code, Number(seconds) || 60);
  if (code === LOGIN_ERRORS.busy) return refused(503, code, Number(seconds) || 1);
  return res;
}

export { handler as GET, POST };
