import { type LatencyPercentiles, latencyPercentiles } from "@steward/domain";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { requireTenant, withTenant } from "../with-tenant.ts";
import { rollupLatencySummaries } from "./rollup-reads.ts";

export const GetLatencyPercentilesInput = z
  .object({ monitorId: z.uuid(), from: z.coerce.date(), to: z.coerce.date() })
  .refine((v) => v.to > v.from, { message: "`to` must be after `from`" });
export type GetLatencyPercentilesInput = z.input<typeof GetLatencyPercentilesInput>;

/**
 * p50 / p95 / p99 (histogram estimates, error bound in domain/latency-histogram.ts) and exact
 * count / avg / min / max of one monitor's latency over [from, to): merged rollup histograms for whole
 * hours and days, raw rows only for the partial edges (never a scan of a long raw window).
 */
export async function getLatencyPercentiles(
  ctx: ServiceContext,
  rawInput: GetLatencyPercentilesInput,
): Promise<LatencyPercentiles> {
  requirePermission(ctx, "monitor:read");
  const input = GetLatencyPercentilesInput.parse(rawInput);
  const tenantId = requireTenant(ctx).id;
  return withTenant(ctx, async (tx) => {
    const monitor = await tx.monitor.findFirst({ where: { id: input.monitorId, tenantId }, select: { id: true } });
    if (!monitor) throw new NotFoundError("Monitor not found");
    const summaries = await rollupLatencySummaries(tx, {
      tenantId,
      from: input.from,
      to: input.to,
      monitorIds: [monitor.id],
    });
    const s = summaries.get(monitor.id);
    return latencyPercentiles(s ?? { hist: [], count: 0, sum: 0, min: null, max: null });
  });
}
