import { HttpProbeConfig } from "@steward/probes";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { withTenant } from "../with-tenant.ts";
import { monitorSummarySelect } from "./list-monitors.ts";

export const MONITOR_MIN_INTERVAL_SECONDS = 10;
export const MONITOR_MAX_INTERVAL_SECONDS = 24 * 60 * 60;

/**
 * `config` of an HTTP monitor: the probe's own schema (@steward/probes), so what the service stores is
 * exactly what the worker accepts. {url, method GET|HEAD (default GET), expectedStatus?: absent means any
 * 200–399}.
 */
export const HttpMonitorConfig = HttpProbeConfig;

export const CreateMonitorInput = z.object({
  name: z.string().trim().min(1).max(120),
  kind: z.literal("HTTP").default("HTTP"),
  assetId: z.uuid().nullish(),
  config: HttpMonitorConfig,
  intervalSeconds: z.int().min(MONITOR_MIN_INTERVAL_SECONDS).max(MONITOR_MAX_INTERVAL_SECONDS).default(60),
  timeoutMs: z.int().min(500).max(60_000).default(10_000),
  confirmations: z.int().min(1).max(10).default(2),
  recoveryThreshold: z.int().min(1).max(10).default(1),
  degradedThresholdMs: z.int().min(1).max(60_000).nullish(),
});
export type CreateMonitorInput = z.input<typeof CreateMonitorInput>;

/**
 * Create an HTTP monitor. Writes the row and its audit entry only: the worker reconciles its job schedulers
 * from Postgres, so nothing is enqueued here.
 */
export async function createMonitor(ctx: ServiceContext, rawInput: CreateMonitorInput) {
  requirePermission(ctx, "monitor:write");
  const input = CreateMonitorInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  try {
    return await withTenant(ctx, async (tx) => {
      if (input.assetId) {
        const asset = await tx.asset.findFirst({ where: { id: input.assetId, tenantId }, select: { id: true } });
        if (!asset) throw new NotFoundError("Asset not found");
      }
      const monitor = await tx.monitor.create({
        data: {
          tenantId,
          name: input.name,
          kind: input.kind,
          assetId: input.assetId ?? null,
          config: input.config,
          intervalSeconds: input.intervalSeconds,
          timeoutMs: input.timeoutMs,
          confirmations: input.confirmations,
          recoveryThreshold: input.recoveryThreshold,
          degradedThresholdMs: input.degradedThresholdMs ?? null,
        },
        select: monitorSummarySelect,
      });
      await emitAudit(tx, ctx, {
        action: "monitor.create",
        targetType: "monitor",
        targetId: monitor.id,
        metadata: { name: input.name, url: input.config.url, intervalSeconds: input.intervalSeconds },
      });
      return monitor;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError("A monitor with this name already exists", { field: "name" });
    throw e;
  }
}
