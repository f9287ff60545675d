import { randomUUID } from "node:crypto";
import { SingleLineText } from "@steward/domain";
import { HeartbeatConfig, HttpProbeConfig, PROBES, type ProbeKind, splitSecrets } from "@steward/probes";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { generateHeartbeatToken } from "../heartbeat/heartbeat-token.ts";
import { requirePermission } from "../require-permission.ts";
import { sealMonitorSecrets } from "../secrets/monitor-secrets.ts";
import { withTenant } from "../with-tenant.ts";
import { monitorSummarySelect } from "./list-monitors.ts";
import { MONITOR_DEFAULT_REGION, MonitorRegions, MonitorTags, quorumIssue, RegionQuorum } from "./monitor-fields.ts";

export const MONITOR_MIN_INTERVAL_SECONDS = 10;
export const MONITOR_MAX_INTERVAL_SECONDS = 24 * 60 * 60;

/**
 * `config` of an HTTP monitor: the probe's own schema (@steward/probes), so what the service stores is
 * exactly what the worker accepts. {url, method GET|HEAD (default GET), expectedStatus?: absent means any
 * 200–399}.
 */
export const HttpMonitorConfig = HttpProbeConfig;

const monitorFields = {
  name: SingleLineText({ label: "Name", min: 1, max: 120 }),
  assetId: z.uuid().nullish(),
  intervalSeconds: z.int().min(MONITOR_MIN_INTERVAL_SECONDS).max(MONITOR_MAX_INTERVAL_SECONDS).default(60),
  timeoutMs: z.int().min(500).max(60_000).default(10_000),
  confirmations: z.int().min(1).max(10).default(2),
  recoveryThreshold: z.int().min(1).max(10).default(1),
  degradedThresholdMs: z.int().min(1).max(60_000).nullish(),
  /** Where the monitor is probed from (1..16 distinct regions) and how many must agree before DOWN. */
  regions: MonitorRegions.default([MONITOR_DEFAULT_REGION]),
  regionQuorum: RegionQuorum.default(1),
  tags: MonitorTags.default([]),
};

const kindInput = <K extends ProbeKind>(kind: K) =>
  z.object({
    ...monitorFields,
    kind: z.literal(kind),
    config: PROBES[kind].configSchema as (typeof PROBES)[K]["configSchema"],
  });

/**
 * One variant per probe kind: `config` is validated by that kind's own probe schema (@steward/probes), so
 * what the service stores is exactly what the worker accepts. `kind` defaults to HTTP (older callers).
 * HEARTBEAT (push) is not a probe: its config is {graceSeconds?}; the push token is generated here, stored
 * as a SHA-256 hash, and returned once as `heartbeatToken` (monitor.rotateHeartbeatToken makes a new one).
 * `regionQuorum` must not exceed the number of `regions` (a field error on regionQuorum).
 */
export const CreateMonitorInput = z
  .discriminatedUnion("kind", [
    z.object({ ...monitorFields, kind: z.literal("HTTP").default("HTTP"), config: HttpMonitorConfig }),
    kindInput("TCP"),
    kindInput("DNS"),
    kindInput("TLS"),
    kindInput("POSTGRES"),
    kindInput("REDIS"),
    kindInput("MQTT"),
    kindInput("PROMETHEUS"),
    kindInput("ICMP"),
    z.object({ ...monitorFields, kind: z.literal("HEARTBEAT"), config: HeartbeatConfig.default({}) }),
  ])
  .superRefine((v, ctx) => {
    if (!MonitorRegions.safeParse(v.regions).success) return; // the regions' own error says it
    const issue = quorumIssue(v.regions, v.regionQuorum);
    if (issue) ctx.addIssue({ code: "custom", path: ["regionQuorum"], message: issue });
  });
export type CreateMonitorInput = z.input<typeof CreateMonitorInput>;

/**
 * Create a monitor of any probe kind. Writes the row and its audit entry only: the worker reconciles its job schedulers
 * from Postgres, so nothing is enqueued here.
 */
export async function createMonitor(ctx: ServiceContext, rawInput: CreateMonitorInput) {
  requirePermission(ctx, "monitor:write");
  const input = CreateMonitorInput.parse(rawInput);
  const tenantId = ctx.tenant?.id ?? "";
  const push = input.kind === "HEARTBEAT" ? generateHeartbeatToken() : null;
  try {
    return await withTenant(ctx, async (tx) => {
      if (input.assetId) {
        const asset = await tx.asset.findFirst({ where: { id: input.assetId, tenantId }, select: { id: true } });
        if (!asset) throw new NotFoundError("Asset not found");
      }
      // Secrets leave the config and are sealed, bound to this tenant and monitor (the id is chosen here
      // so that the seal can name it).
      const id = randomUUID();
      const split = splitSecrets(input.kind, input.config);
      const monitor = await tx.monitor.create({
        data: {
          id,
          tenantId,
          name: input.name,
          kind: input.kind,
          assetId: input.assetId ?? null,
          config: split.config as object,
          secrets: sealMonitorSecrets(tenantId, id, split.secrets),
          intervalSeconds: input.intervalSeconds,
          timeoutMs: input.timeoutMs,
          confirmations: input.confirmations,
          recoveryThreshold: input.recoveryThreshold,
          degradedThresholdMs: input.degradedThresholdMs ?? null,
          regions: input.regions,
          regionQuorum: input.regionQuorum,
          tags: [...new Set(input.tags)],
          ...(push ? { heartbeatTokenHash: push.hash } : {}),
        },
        select: monitorSummarySelect,
      });
      await emitAudit(tx, ctx, {
        action: "monitor.create",
        targetType: "monitor",
        targetId: monitor.id,
        metadata: {
          name: input.name,
          kind: input.kind,
          target: monitorTarget(input),
          intervalSeconds: input.intervalSeconds,
          regions: input.regions,
          regionQuorum: input.regionQuorum,
          ...(input.tags.length ? { tags: [...new Set(input.tags)] } : {}),
        },
      });
      // A push monitor's token is shown this once (only its hash is stored).
      const result: typeof monitor & { heartbeatToken?: string } = push
        ? { ...monitor, heartbeatToken: push.token }
        : monitor;
      return result;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError("A monitor with this name already exists", { field: "name" });
    throw e;
  }
}

/** What the monitor watches, for the audit trail: never a password or a CA bundle. */
export function monitorTarget(input: z.output<typeof CreateMonitorInput>): string {
  switch (input.kind) {
    case "HTTP":
    case "PROMETHEUS":
      return input.config.url;
    case "DNS":
      return `${input.config.recordType} ${input.config.name}`;
    case "ICMP":
      return input.config.host;
    case "HEARTBEAT":
      return "push";
    case "POSTGRES":
      return `${input.config.host}:${input.config.port}/${input.config.database}`;
    default:
      return `${input.config.host}:${input.config.port}`;
  }
}
