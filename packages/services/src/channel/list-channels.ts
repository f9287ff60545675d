import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { CHANNEL_SELECT, channelView } from "./channel-fields.ts";

/**
 * The tenant's channels (tenant:read: every member, provider staff in scope): settings and the names of
 * the secrets set, never a secret value.
 */
export async function listChannels(ctx: ServiceContext) {
  requirePermission(ctx, "tenant:read");
  const tenant = requireTenant(ctx);
  const rows = await withTenant(ctx, (tx) =>
    tx.notificationChannel.findMany({
      where: { tenantId: tenant.id },
      orderBy: { name: "asc" },
      select: CHANNEL_SELECT,
    }),
  );
  return rows.map(channelView);
}
