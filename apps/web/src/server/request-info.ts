import "server-only";

/** The client's IP as seen by the first proxy we trust (x-forwarded-for's first hop), else x-real-ip. */
export function clientIp(headers: Headers): string {
  const xff = headers.get("x-forwarded-for");
  if (xff) return xff.split(",")[0]!.trim();
  return headers.get("x-real-ip") ?? "unknown";
}

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;
/** The request id set by proxy.ts (or an upstream), validated; else a fresh one. */
export function requestIdFrom(headers: Headers): string {
  const id = headers.get("x-request-id");
  return id && SAFE_ID.test(id) ? id : crypto.randomUUID();
}
