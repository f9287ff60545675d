import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const SetMonitorsPausedInput = z.object({
  monitorIds: z.array(z.uuid()).min(1).max(500),
  paused: z.boolean(),
});
export type SetMonitorsPausedInput = z.input<typeof SetMonitorsPausedInput>;

/**
 * Bulk pause / resume (the list's bulk action). All or nothing: an id outside the tenant makes the whole
 * call NotFound. One audit row per monitor whose state actually changed; the worker drops / restores the
 * schedulers on its next reconcile.
 */
export async function setMonitorsPaused(ctx: ServiceContext, rawInput: SetMonitorsPausedInput) {
  requirePermission(ctx, "monitor:write");
  const input = SetMonitorsPausedInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  const ids = [...new Set(input.monitorIds)];
  return withTenant(ctx, async (tx) => {
    const found = await tx.monitor.findMany({
      where: { id: { in: ids }, tenantId },
      select: { id: true, name: true, paused: true },
    });
    if (found.length !== ids.length) throw new NotFoundError("Monitor not found");
    const changed = found.filter((m) => m.paused !== input.paused);
    if (changed.length) {
      await tx.monitor.updateMany({
        where: { id: { in: changed.map((m) => m.id) }, tenantId },
        data: { paused: input.paused },
      });
      for (const m of changed) {
        await emitAudit(tx, ctx, {
          action: input.paused ? "monitor.pause" : "monitor.resume",
          targetType: "monitor",
          targetId: m.id,
          metadata: { name: m.name, bulk: ids.length > 1 },
        });
      }
    }
    return { paused: input.paused, requested: ids.length, changed: changed.map((m) => m.id) };
  });
}
