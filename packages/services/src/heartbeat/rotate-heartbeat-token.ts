import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { generateHeartbeatToken } from "./heartbeat-token.ts";

export const RotateHeartbeatTokenInput = z.object({ monitorId: z.uuid() });
export type RotateHeartbeatTokenInput = z.input<typeof RotateHeartbeatTokenInput>;

/**
 * A new push token for a HEARTBEAT monitor: the old one stops working at once. The plaintext token is
 * returned here only (its hash is stored). Audited without the token.
 */
export async function rotateHeartbeatToken(
  ctx: ServiceContext,
  rawInput: RotateHeartbeatTokenInput,
): Promise<{ monitorId: string; heartbeatToken: string }> {
  requirePermission(ctx, "monitor:write");
  const input = RotateHeartbeatTokenInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  return withTenant(ctx, async (tx) => {
    const monitor = await tx.monitor.findFirst({
      where: { id: input.monitorId, tenantId },
      select: { id: true, kind: true },
    });
    if (!monitor) throw new NotFoundError("Monitor not found");
    if (monitor.kind !== "HEARTBEAT") {
      throw new ValidationError("Only heartbeat monitors have a push token", { field: "monitorId" });
    }
    const { token, hash } = generateHeartbeatToken();
    await tx.monitor.update({ where: { id: monitor.id }, data: { heartbeatTokenHash: hash } });
    await emitAudit(tx, ctx, {
      action: "monitor.rotateHeartbeatToken",
      targetType: "monitor",
      targetId: monitor.id,
    });
    return { monitorId: monitor.id, heartbeatToken: token };
  });
}
