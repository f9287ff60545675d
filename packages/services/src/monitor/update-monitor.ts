import { getProbe, mergeSecrets } from "@steward/probes";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { monitorSummarySelect } from "./list-monitors.ts";

const MIN_INTERVAL_SECONDS = 10;
const MAX_INTERVAL_SECONDS = 24 * 60 * 60;

export const MonitorTags = z
  .array(
    z
      .string()
      .trim()
      .min(1)
      .max(60)
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]*$/u, "letters, digits, space . _ : / -"),
  )
  .max(20);

export const UpdateMonitorInput = z.object({
  monitorId: z.uuid(),
  name: z.string().trim().min(1).max(120).optional(),
  assetId: z.uuid().nullish(),
  /** The kind's own config (validated by its probe's zod schema; the kind never changes). */
  config: z.record(z.string(), z.unknown()).optional(),
  intervalSeconds: z.int().min(MIN_INTERVAL_SECONDS).max(MAX_INTERVAL_SECONDS).optional(),
  timeoutMs: z.int().min(500).max(60_000).optional(),
  confirmations: z.int().min(1).max(10).optional(),
  recoveryThreshold: z.int().min(1).max(10).optional(),
  degradedThresholdMs: z.int().min(1).max(60_000).nullish(),
  tags: MonitorTags.optional(),
});
export type UpdateMonitorInput = z.input<typeof UpdateMonitorInput>;

/** Config problems as field errors under `config.<path>` (the form shows them beside the field). */
function configIssues(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) out[["config", ...i.path.map(String)].join(".")] ??= i.message;
  return out;
}

/**
 * Edit a monitor. The worker reads the monitor afresh for every run (and reconciles its schedulers from
 * Postgres), so a change takes effect on the monitor's next slot. Audited with the changed field names.
 */
export async function updateMonitor(ctx: ServiceContext, rawInput: UpdateMonitorInput) {
  requirePermission(ctx, "monitor:write");
  const input = UpdateMonitorInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  try {
    return await withTenant(ctx, async (tx) => {
      const current = await tx.monitor.findFirst({
        where: { id: input.monitorId, tenantId },
        select: { id: true, kind: true, config: true },
      });
      if (!current) throw new NotFoundError("Monitor not found");
      let config: object | undefined;
      if (input.config) {
        const probe = getProbe(current.kind);
        if (!probe) throw new ValidationError(`No probe for kind ${current.kind}`, { field: "kind" });
        // Secrets are write-only (monitor.get redacts them): an edit that leaves one out keeps the stored one.
        const parsed = probe.configSchema.safeParse(mergeSecrets(current.kind, current.config, input.config));
        if (!parsed.success) {
          throw new ValidationError("Invalid configuration", { field: "config", fields: configIssues(parsed.error) });
        }
        config = parsed.data as object;
      }
      if (input.assetId) {
        const asset = await tx.asset.findFirst({ where: { id: input.assetId, tenantId }, select: { id: true } });
        if (!asset) throw new NotFoundError("Asset not found", { field: "assetId" });
      }
      const data = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.assetId !== undefined ? { assetId: input.assetId } : {}),
        ...(config !== undefined ? { config } : {}),
        ...(input.intervalSeconds !== undefined ? { intervalSeconds: input.intervalSeconds } : {}),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        ...(input.confirmations !== undefined ? { confirmations: input.confirmations } : {}),
        ...(input.recoveryThreshold !== undefined ? { recoveryThreshold: input.recoveryThreshold } : {}),
        ...(input.degradedThresholdMs !== undefined ? { degradedThresholdMs: input.degradedThresholdMs } : {}),
        ...(input.tags !== undefined ? { tags: [...new Set(input.tags)] } : {}),
      };
      const monitor = await tx.monitor.update({
        where: { id: current.id },
        data,
        select: { ...monitorSummarySelect, config: true, tags: true },
      });
      await emitAudit(tx, ctx, {
        action: "monitor.update",
        targetType: "monitor",
        targetId: monitor.id,
        metadata: { fields: Object.keys(data) },
      });
      return monitor;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError("A monitor with this name already exists", { field: "name" });
    throw e;
  }
}
