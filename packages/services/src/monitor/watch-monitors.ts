import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { UnauthenticatedError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant } from "../with-tenant.ts";
import { getMonitorLiveFeed, type MonitorLiveFeed, type MonitorsChange } from "./monitor-live-feed.ts";

/**
 * Nothing but the tenant (given by the API layer): the server sets the cadence. A client-sent poll period
 * (the old `everyMs`) is stripped and ignored.
 */
export const WatchMonitorsInput = z.object({});
export type WatchMonitorsInput = z.input<typeof WatchMonitorsInput>;

export interface WatchMonitorsOptions {
  /** The process's feed by default (one LISTEN connection per process); tests inject their own. */
  feed?: MonitorLiveFeed;
}

/**
 * Live updates for the list and overview (ADR 0016): yields the tenant's current snapshot at once (so the
 * client knows the stream is live), then whenever its monitors change (state, paused, added, removed) —
 * pushed by the process's shared change feed, not polled per stream. Session, tenant and permission are
 * checked again every 30 s; the stream then ends with UnauthenticatedError / NotFoundError /
 * ForbiddenError. Ends quietly when `signal` aborts (the client went away).
 */
export async function* watchMonitors(
  ctx: ServiceContext,
  rawInput: WatchMonitorsInput,
  signal?: AbortSignal,
  opts: WatchMonitorsOptions = {},
): AsyncGenerator<MonitorsChange> {
  requirePermission(ctx, "monitor:read");
  WatchMonitorsInput.parse(rawInput ?? {});
  const tenant = requireTenant(ctx);
  const actor = ctx.actor;
  if (actor.type !== "USER" || !actor.sessionId) {
    throw new UnauthenticatedError("Live updates need a signed-in session");
  }
  const feed = opts.feed ?? getMonitorLiveFeed();
  const sub = await feed.subscribe({
    tenantId: tenant.id,
    userId: actor.userId,
    sessionId: actor.sessionId,
    permission: "monitor:read",
  });
  try {
    for (;;) {
      const change = await sub.next(signal);
      if (!change) return;
      yield change;
    }
  } finally {
    sub.close();
  }
}
