import { NotFoundError, recordHeartbeat } from "@steward/services";
import { consumeHeartbeat } from "~/server/heartbeat-rate-limit.ts";
import { logger } from "~/server/logger.ts";
import { clientIp } from "~/server/request-info.ts";

export const dynamic = "force-dynamic";

const HEADERS = { "cache-control": "no-store" };

/**
 * Push endpoint of HEARTBEAT monitors: a cron job calls POST (or GET) /api/v1/heartbeat/<token>. Public
 * (the secret token is the credential; no session, no CSRF — proxy.ts lets it through), rate-limited per
 * IP and per IP + token. 202 {ok:true} for a monitor's token, else one constant 404.
 */
async function beat(req: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const limit = await consumeHeartbeat(clientIp(req.headers), token.slice(0, 64));
  if (!limit.ok) {
    return Response.json(
      { ok: false, error: "rate limited" },
      { status: 429, headers: { ...HEADERS, "retry-after": String(limit.retryAfterSeconds) } },
    );
  }
  try {
    await recordHeartbeat(token);
    return Response.json({ ok: true }, { status: 202, headers: HEADERS });
  } catch (err) {
    if (err instanceof NotFoundError) {
      return Response.json({ ok: false, error: "not found" }, { status: 404, headers: HEADERS });
    }
    logger.error({ err }, "heartbeat failed");
    return Response.json({ ok: false, error: "unavailable" }, { status: 503, headers: HEADERS });
  }
}

export const POST = beat;
export const GET = beat;
