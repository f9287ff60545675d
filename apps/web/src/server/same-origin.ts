import "server-only";
import { env } from "../env.ts";
import { isCrossSite } from "../lib/cross-site.ts";

const appOrigin = new URL(env.AUTH_URL).origin;

export function isCrossSiteRequest(req: Request): boolean {
  return isCrossSite(req.headers, req.url, appOrigin);
}
