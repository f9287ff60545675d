import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { monitorSummarySelect } from "./list-monitors.ts";

export const SetMonitorPausedInput = z.object({ monitorId: z.uuid(), paused: z.boolean() });
export type SetMonitorPausedInput = z.input<typeof SetMonitorPausedInput>;

/** Pause or resume a monitor (the worker drops/restores its scheduler on its next reconcile). */
export async function setMonitorPaused(ctx: ServiceContext, rawInput: SetMonitorPausedInput) {
  requirePermission(ctx, "monitor:write");
  const input = SetMonitorPausedInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  return withTenant(ctx, async (tx) => {
    const current = await tx.monitor.findFirst({
      where: { id: input.monitorId, tenantId },
      select: { id: true, paused: true },
    });
    if (!current) throw new NotFoundError("Monitor not found");
    const monitor = await tx.monitor.update({
      where: { id: current.id },
      data: { paused: input.paused },
      select: monitorSummarySelect,
    });
    if (current.paused !== input.paused) {
      await emitAudit(tx, ctx, {
        action: input.paused ? "monitor.pause" : "monitor.resume",
        targetType: "monitor",
        targetId: monitor.id,
      });
    }
    return monitor;
  });
}
