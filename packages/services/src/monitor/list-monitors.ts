import { MonitorState } from "@steward/domain";
import { z } from "zod";
import { auditTenantRead } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";

export const ListMonitorsInput = z.object({
  assetId: z.uuid().optional(),
  state: MonitorState.optional(),
});
export type ListMonitorsInput = z.input<typeof ListMonitorsInput>;

export const monitorSummarySelect = {
  id: true,
  name: true,
  kind: true,
  state: true,
  stateSince: true,
  paused: true,
  intervalSeconds: true,
  lastCheckedAt: true,
  lastLatencyMs: true,
  lastError: true,
  regions: true,
  regionQuorum: true,
  tags: true,
  asset: { select: { id: true, name: true, kind: true } },
} as const;

export async function listMonitors(ctx: ServiceContext, rawInput: ListMonitorsInput = {}) {
  requirePermission(ctx, "monitor:read");
  const input = ListMonitorsInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "monitor.list");
    return tx.monitor.findMany({
      where: {
        tenantId: ctx.tenant!.id,
        ...(input.assetId ? { assetId: input.assetId } : {}),
        ...(input.state ? { state: input.state } : {}),
      },
      orderBy: { name: "asc" },
      select: monitorSummarySelect,
    });
  });
}
