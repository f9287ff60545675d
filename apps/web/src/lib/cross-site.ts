/**
 * True when the browser says a request comes from another site: Sec-Fetch-Site cross-site/same-site, or an
 * Origin that is neither the configured app origin nor the request's own origin (as addressed).
 * Requests without Origin/Sec-Fetch-Site (non-browser clients) pass: the session cookie is SameSite=Lax.
 */
export function isCrossSite(headers: Headers, requestUrl: string, appOrigin: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  const url = new URL(requestUrl);
  const host = headers.get("x-forwarded-host") ?? headers.get("host");
  const proto = headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  const hostOrigin = host ? `${proto}://${host}` : null;
  return origin !== appOrigin && origin !== url.origin && origin !== hostOrigin;
}
