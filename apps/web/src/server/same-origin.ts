import "server-only";
import { env } from "../env.ts";

const allowedOrigin = new URL(env.AUTH_URL).origin;

/**
 * True when the browser says the request comes from another site: Sec-Fetch-Site cross-site/same-site,
 * or an Origin header that is neither our AUTH_URL origin nor the request's own origin.
 */
export function isCrossSiteRequest(req: Request): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = req.headers.get("origin");
  if (!origin) return false; // non-browser clients send no Origin; the session cookie is SameSite=Lax anyway.
  if (origin === "null") return true;
  const own = new URL(req.url).origin;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  const proto = req.headers.get("x-forwarded-proto") ?? new URL(req.url).protocol.replace(":", "");
  const hostOrigin = host ? `${proto}://${host}` : null;
  return origin !== allowedOrigin && origin !== own && origin !== hostOrigin;
}
