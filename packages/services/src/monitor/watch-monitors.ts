import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const WatchMonitorsInput = z.object({
  /** Poll period (tests use a shorter one). */
  everyMs: z.int().min(200).max(60_000).default(2_000),
});
export type WatchMonitorsInput = z.input<typeof WatchMonitorsInput>;

export interface MonitorsChange {
  /** Opaque: changes whenever a monitor of the tenant changes state, is paused/resumed, added or removed. */
  signature: string;
  at: Date;
}

/** One cheap aggregate over the tenant's monitors (index-only on (tenant_id, state, name) + heap). */
async function signatureOf(ctx: ServiceContext): Promise<string> {
  const tenantId = ctx.tenant?.id ?? "";
  const [row] = await withTenant(
    ctx,
    (tx) =>
      tx.$queryRaw<{ sig: string }[]>`
      select concat_ws('|', count(*), max(state_since), count(*) filter (where paused),
                       count(*) filter (where state = 'DOWN'), count(*) filter (where state = 'DEGRADED'),
                       count(*) filter (where state = 'UP'), sum(hashtext(id::text)))::text as sig
        from monitors where tenant_id = ${tenantId}::uuid`,
  );
  return row?.sig ?? "";
}

/**
 * Live updates for the list and overview: polls Postgres every `everyMs` and yields when the tenant's
 * monitors changed (state, paused, added, removed). Yields once at the start so the client knows the
 * stream is live. Ends when `signal` aborts (the client went away).
 */
export async function* watchMonitors(
  ctx: ServiceContext,
  rawInput: WatchMonitorsInput,
  signal?: AbortSignal,
): AsyncGenerator<MonitorsChange> {
  requirePermission(ctx, "monitor:read");
  const input = WatchMonitorsInput.parse(rawInput);
  let last = await signatureOf(ctx);
  yield { signature: last, at: new Date() };
  while (!signal?.aborted) {
    try {
      await sleep(input.everyMs, undefined, { signal });
    } catch {
      return;
    }
    const sig = await signatureOf(ctx);
    if (sig !== last) {
      last = sig;
      yield { signature: sig, at: new Date() };
    }
  }
}
