import { type UptimeBreakdown, uptimeFromSeconds } from "@steward/domain";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { rollupStateSeconds } from "./rollup-reads.ts";

export const GetUptimeFromRollupsInput = z
  .object({
    /** Omitted: every monitor of the tenant. */
    monitorIds: z.array(z.uuid()).max(10_000).optional(),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((v) => v.to > v.from, { message: "`to` must be after `from`" });
export type GetUptimeFromRollupsInput = z.input<typeof GetUptimeFromRollupsInput>;

/**
 * Exact uptime per monitor for [from, to) (clipped to now) from rollups (whole UTC days and hours) plus
 * state_intervals for the partial edges — see rollup-reads.ts. Same policy as domain/uptime.ts.
 * Monitors with no data in the window get a breakdown with uptimePercent null.
 */
export async function getUptimeFromRollups(
  ctx: ServiceContext,
  rawInput: GetUptimeFromRollupsInput,
): Promise<Map<string, UptimeBreakdown>> {
  requirePermission(ctx, "monitor:read");
  const input = GetUptimeFromRollupsInput.parse(rawInput);
  const tenantId = requireTenant(ctx).id;
  return withTenant(ctx, async (tx) => {
    const monitors = await tx.monitor.findMany({
      where: { tenantId, ...(input.monitorIds ? { id: { in: input.monitorIds } } : {}) },
      select: { id: true },
    });
    if (input.monitorIds && monitors.length !== new Set(input.monitorIds).size) {
      throw new NotFoundError("Monitor not found");
    }
    const now = new Date();
    const to = new Date(Math.min(input.to.getTime(), now.getTime()));
    const seconds = await rollupStateSeconds(tx, {
      tenantId,
      from: input.from,
      to,
      now,
      monitorIds: input.monitorIds ?? null,
    });
    const windowSeconds = Math.max(0, to.getTime() - input.from.getTime()) / 1000;
    const out = new Map<string, UptimeBreakdown>();
    for (const m of monitors) {
      const s = seconds.get(m.id);
      out.set(m.id, uptimeFromSeconds(s ?? { UP: 0, DEGRADED: 0, DOWN: 0, UNKNOWN: 0, MAINTENANCE: 0 }, windowSeconds));
    }
    return out;
  });
}
