import { type NextRequest, NextResponse } from "next/server";
import { safeRedirectPath } from "./lib/safe-redirect.ts";
import { contentSecurityPolicy, staticSecurityHeaders } from "./security-headers.ts";

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const SESSION_COOKIES = ["steward.session", "__Secure-steward.session"];
/** Paths reachable without a session cookie. */
const PUBLIC = [
  /^\/login(\/|$)/,
  /^\/api\/auth(\/|$)/,
  /^\/api\/health(\/|$)/,
  /^\/api\/trpc(\/|$)/,
  /^\/api\/v1\/heartbeat\//,
];

/**
 * Runs before every request (except static assets): a fresh CSP nonce, the security headers and a
 * request id. The redirect to /login without a session cookie is only a convenience — authorisation
 * happens in tRPC procedures and server components (validateSession), never here.
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const incomingId = request.headers.get("x-request-id");
  const requestId = incomingId && SAFE_ID.test(incomingId) ? incomingId : crypto.randomUUID();
  const csp = contentSecurityPolicy(nonce);

  const { pathname, search } = request.nextUrl;
  const hasSessionCookie = SESSION_COOKIES.some((name) => request.cookies.has(name));
  let response: NextResponse;
  if (!hasSessionCookie && !PUBLIC.some((re) => re.test(pathname))) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    const back = safeRedirectPath(pathname + search);
    url.search = back === "/" ? "" : `?callbackUrl=${encodeURIComponent(back)}`;
    response = NextResponse.redirect(url);
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("x-request-id", requestId);
    // Next.js reads the nonce for its own scripts from the request's CSP header.
    requestHeaders.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const { key, value } of staticSecurityHeaders()) response.headers.set(key, value);
  response.headers.set("content-security-policy", csp);
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)",
    },
  ],
};
