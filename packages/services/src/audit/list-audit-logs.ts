import { BigIntIdString, SingleLineText } from "@steward/domain";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { auditTenantRead } from "./emit-audit.ts";

export const ListAuditLogsInput = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  /** Return rows older than this id (keyset pagination). */
  before: BigIntIdString("Cursor (before)").optional(),
  action: SingleLineText({ label: "Action", max: 100 }).optional(),
});
export type ListAuditLogsInput = z.input<typeof ListAuditLogsInput>;

export async function listAuditLogs(ctx: ServiceContext, rawInput: ListAuditLogsInput = {}) {
  requirePermission(ctx, "audit:read");
  const input = ListAuditLogsInput.parse(rawInput);
  return withTenant(ctx, async (tx) => {
    await auditTenantRead(tx, ctx, "audit.list");
    const rows = await tx.auditLog.findMany({
      where: {
        tenantId: ctx.tenant!.id,
        ...(input.before ? { id: { lt: BigInt(input.before) } } : {}),
        ...(input.action ? { action: input.action } : {}),
      },
      orderBy: { id: "desc" },
      take: input.limit,
      select: {
        id: true,
        actorType: true,
        actorId: true,
        actorLabel: true,
        action: true,
        targetType: true,
        targetId: true,
        requestId: true,
        ip: true,
        metadata: true,
        createdAt: true,
      },
    });
    const items = rows.map((r) => ({ ...r, id: r.id.toString() }));
    return { items, nextBefore: items.length === input.limit ? (items.at(-1)?.id ?? null) : null };
  });
}
