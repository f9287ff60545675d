import { appRouter, createContext } from "@steward/api";
import { TRPCError } from "@trpc/server";
import { parseMonitorQuery, searchInput } from "~/lib/monitor-query.ts";
import { requestLogger } from "~/server/logger.ts";
import { clientIp, requestIdFrom } from "~/server/request-info.ts";
import { sessionCookieFromHeader, sessionIdFromToken } from "~/server/session.ts";

export const dynamic = "force-dynamic";

const STATUS: Partial<Record<TRPCError["code"], number>> = {
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  FORBIDDEN: 404,
  BAD_REQUEST: 400,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * GET /t/<slug>/monitors/export.csv?<the list's query>: every monitor matching the list's filters and sort
 * (not just the page on screen) as a CSV download, streamed chunk by chunk from monitor.exportCsv. The
 * session, the tenant (by slug among the user's tenants; any other is a 404) and monitor:read are checked
 * by the same tRPC procedures as everywhere else before the first byte.
 */
export async function GET(req: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const requestId = requestIdFrom(req.headers);
  const log = requestLogger(requestId);
  const headers = { "cache-control": "no-store", "x-request-id": requestId };
  try {
    const sessionId = await sessionIdFromToken(sessionCookieFromHeader(req.headers.get("cookie")));
    const caller = appRouter.createCaller(
      await createContext({
        sessionId,
        requestId,
        ip: clientIp(req.headers),
        userAgent: req.headers.get("user-agent"),
      }),
    );
    const me = await caller.me.get();
    const tenant = me.tenants.find((t) => t.slug === slug);
    if (!tenant) return new Response("Not found\n", { status: 404, headers });
    const { page: _page, ...filters } = searchInput(parseMonitorQuery(new URL(req.url).searchParams));
    const exported = await caller.monitor.exportCsv({ tenantId: tenant.id, ...filters });
    const chunks = exported.chunks[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          log.error({ err }, "monitor CSV export failed mid-stream");
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return?.();
      },
    });
    return new Response(body, {
      headers: {
        ...headers,
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${exported.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
        "x-total-count": String(exported.rows),
      },
    });
  } catch (err) {
    if (err instanceof TRPCError && STATUS[err.code]) {
      const message =
        err.code === "UNAUTHORIZED"
          ? "Sign in to continue"
          : err.code === "NOT_FOUND" || err.code === "FORBIDDEN"
            ? "Not found"
            : err.message;
      return new Response(`${message}\n`, {
        status: STATUS[err.code],
        headers,
      });
    }
    log.error({ err }, "monitor CSV export failed");
    return new Response("Export failed\n", { status: 500, headers });
  }
}
