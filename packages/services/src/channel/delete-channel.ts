import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { channelOrThrow } from "./channel-fields.ts";

export const DeleteChannelInput = z.object({ channelId: z.uuid() });
export type DeleteChannelInput = z.input<typeof DeleteChannelInput>;

/** Remove a channel and its sealed secrets (tenant:write). Audited as `channel.delete`. */
export async function deleteChannel(ctx: ServiceContext, rawInput: DeleteChannelInput) {
  requirePermission(ctx, "tenant:write");
  const input = DeleteChannelInput.parse(rawInput);
  const tenant = requireTenant(ctx);
  return withTenant(ctx, async (tx) => {
    const channel = await channelOrThrow(tx, tenant.id, input.channelId);
    await tx.notificationChannel.deleteMany({ where: { id: channel.id, tenantId: tenant.id } });
    await emitAudit(tx, ctx, {
      action: "channel.delete",
      targetType: "notification_channel",
      targetId: channel.id,
      metadata: { kind: channel.kind, name: channel.name },
    });
    return { deleted: channel.id };
  });
}
