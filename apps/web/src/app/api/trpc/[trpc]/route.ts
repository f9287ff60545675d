import { appRouter, createContext, retryAfterSeconds } from "@steward/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { requestLogger } from "~/server/logger.ts";
import { clientIp, requestIdFrom } from "~/server/request-info.ts";
import { isCrossSiteRequest } from "~/server/same-origin.ts";
import { sessionCookieFromHeader, sessionIdFromToken } from "~/server/session.ts";

export const dynamic = "force-dynamic";

async function handler(req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  const log = requestLogger(requestId);
  // Mutations (and any non-GET) from a foreign origin are refused before they reach a procedure.
  if (req.method !== "GET" && isCrossSiteRequest(req)) {
    log.warn(
      { origin: req.headers.get("origin"), site: req.headers.get("sec-fetch-site") },
      "cross-site tRPC request refused",
    );
    return Response.json(
      { error: "cross-site request refused" },
      { status: 403, headers: { "x-request-id": requestId } },
    );
  }
  const started = performance.now();
  const sessionId = await sessionIdFromToken(sessionCookieFromHeader(req.headers.get("cookie")));
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () =>
      createContext({ sessionId, requestId, ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ path, err: error.cause ?? error }, "tRPC internal error");
      else log.info({ path, code: error.code }, "tRPC error");
    },
    responseMeta: ({ errors }) => {
      const headers = new Headers({ "x-request-id": requestId, "cache-control": "no-store" });
      // A rate-limited verb (RateLimitedError, → 429) says when to come back.
      const retryAfter = retryAfterSeconds(errors);
      if (retryAfter !== undefined) headers.set("retry-after", String(retryAfter));
      return { headers };
    },
  });
  log.info(
    {
      method: req.method,
      path: new URL(req.url).pathname,
      status: res.status,
      ms: Math.round(performance.now() - started),
    },
    "trpc",
  );
  return res;
}

export { handler as GET, handler as POST };
