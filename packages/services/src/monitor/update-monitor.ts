import { SingleLineText } from "@steward/domain";
import {
  joinSecrets,
  redactConfig,
  SECRET_CONFIG_FIELDS,
  SENSITIVE_HEADER,
  secretTarget,
  splitSecrets,
} from "@steward/probes";
import { z } from "zod";
import { emitAudit } from "../audit/emit-audit.ts";
import type { ServiceContext } from "../context.ts";
import { isUniqueViolation } from "../db-errors.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { requirePermission } from "../require-permission.ts";
import { type SealedSecrets, sealedSecretsOf, sealMonitorSecrets } from "../secrets/monitor-secrets.ts";
import { withTenant } from "../with-tenant.ts";
import { monitorSummarySelect } from "./list-monitors.ts";
import { MonitorRegions, MonitorTags, monitorConfigSchema, quorumIssue, RegionQuorum } from "./monitor-fields.ts";

const MIN_INTERVAL_SECONDS = 10;
const MAX_INTERVAL_SECONDS = 24 * 60 * 60;

export const UpdateMonitorInput = z.object({
  monitorId: z.uuid(),
  name: SingleLineText({ label: "Name", min: 1, max: 120 }).optional(),
  assetId: z.uuid().nullish(),
  /** The kind's own config (validated by its probe's zod schema; the kind never changes). */
  config: z.record(z.string(), z.unknown()).optional(),
  intervalSeconds: z.int().min(MIN_INTERVAL_SECONDS).max(MAX_INTERVAL_SECONDS).optional(),
  timeoutMs: z.int().min(500).max(60_000).optional(),
  confirmations: z.int().min(1).max(10).optional(),
  recoveryThreshold: z.int().min(1).max(10).optional(),
  degradedThresholdMs: z.int().min(1).max(60_000).nullish(),
  tags: MonitorTags.optional(),
  /** Where the monitor is probed from; with regionQuorum ≤ its length (checked against the stored values). */
  regions: MonitorRegions.optional(),
  regionQuorum: RegionQuorum.optional(),
});
export type UpdateMonitorInput = z.input<typeof UpdateMonitorInput>;

/** Fields whose before / after values go into the audit row (config is left out: it may hold secrets). */
const AUDITED = [
  "name",
  "assetId",
  "intervalSeconds",
  "timeoutMs",
  "confirmations",
  "recoveryThreshold",
  "degradedThresholdMs",
  "tags",
  "regions",
  "regionQuorum",
] as const;

/** {field: {from, to}} for the audited fields whose value actually changes. */
function changesOf(
  current: Record<(typeof AUDITED)[number], unknown>,
  data: Partial<Record<string, unknown>>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of AUDITED) {
    if (!(f in data)) continue;
    const from = current[f] ?? null;
    const to = data[f] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[f] = { from, to };
  }
  return out;
}

/** Stands in for a kept stored secret while the edit is validated (never stored, never sent). */
const KEPT = "\u0001steward:kept-secret\u0001";

/**
 * The stored secret paths an edit keeps: a secret field it leaves out or sends empty, a credential header
 * it sends with an empty value. A header it leaves out is removed (as before sealing existed).
 */
function keptSecretPaths(kind: string, stored: ReadonlySet<string>, incoming: Record<string, unknown>): Set<string> {
  const keep = new Set<string>();
  for (const f of SECRET_CONFIG_FIELDS[kind] ?? []) {
    if (stored.has(f) && (incoming[f] === undefined || incoming[f] === "")) keep.add(f);
  }
  const headers = incoming.headers;
  if (typeof headers === "object" && headers !== null && !Array.isArray(headers)) {
    for (const [name, value] of Object.entries(headers)) {
      if (value === "" && SENSITIVE_HEADER.test(name) && stored.has(`headers.${name}`)) keep.add(`headers.${name}`);
    }
  }
  return keep;
}

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
        select: {
          id: true,
          kind: true,
          config: true,
          secrets: true,
          name: true,
          assetId: true,
          intervalSeconds: true,
          timeoutMs: true,
          confirmations: true,
          recoveryThreshold: true,
          degradedThresholdMs: true,
          tags: true,
          regions: true,
          regionQuorum: true,
        },
      });
      if (!current) throw new NotFoundError("Monitor not found");
      // N of M: the quorum must fit the regions the monitor will have (new or stored).
      const issue = quorumIssue(input.regions ?? current.regions, input.regionQuorum ?? current.regionQuorum);
      if (issue) {
        throw new ValidationError(issue, { field: "regionQuorum", fields: { regionQuorum: issue } });
      }
      let config: object | undefined;
      let secrets: SealedSecrets | undefined;
      const secretsSet: string[] = [];
      const secretsCleared: string[] = [];
      if (input.config) {
        const schema = monitorConfigSchema(current.kind);
        if (!schema) throw new ValidationError(`No configuration schema for kind ${current.kind}`, { field: "kind" });
        // Secrets are write-only (monitor.get leaves them out): an edit that leaves a secret field out (or
        // sends a credential header blank) keeps the stored value, sealed as it is, without opening it.
        const sealed = sealedSecretsOf(current.secrets);
        const legacy = splitSecrets(current.kind, current.config); // written before sealing existed
        const stored = new Set([...Object.keys(sealed), ...Object.keys(legacy.secrets)]);
        const keep = keptSecretPaths(current.kind, stored, input.config);
        const parsed = schema.safeParse(joinSecrets(input.config, Object.fromEntries([...keep].map((p) => [p, KEPT]))));
        if (!parsed.success) {
          throw new ValidationError("Invalid configuration", { field: "config", fields: configIssues(parsed.error) });
        }
        const next = splitSecrets(current.kind, parsed.data);
        // Issue 8 item 2: secrets never follow a monitor to another scheme, host or port. A kept secret is
        // dropped when the target changes; only what this edit enters again goes with it.
        const retarget = secretTarget(current.kind, legacy.config) !== secretTarget(current.kind, next.config);
        const fresh: Record<string, string> = {};
        secrets = {};
        for (const [path, value] of Object.entries(next.secrets)) {
          if (value !== KEPT) fresh[path] = value;
          else if (retarget) secretsCleared.push(path);
          else if (sealed[path]) secrets[path] = sealed[path];
          else if (legacy.secrets[path] !== undefined) fresh[path] = legacy.secrets[path];
        }
        Object.assign(secrets, sealMonitorSecrets(tenantId, current.id, fresh));
        secretsSet.push(...Object.keys(fresh).filter((p) => !keep.has(p)));
        // A cleared header goes entirely (an empty Authorization would still be sent).
        const headers = next.config.headers as Record<string, unknown> | undefined;
        if (headers) {
          for (const path of secretsCleared) if (path.startsWith("headers.")) delete headers[path.slice(8)];
        }
        config = next.config;
      }
      if (input.assetId) {
        const asset = await tx.asset.findFirst({ where: { id: input.assetId, tenantId }, select: { id: true } });
        if (!asset) throw new NotFoundError("Asset not found", { field: "assetId" });
      }
      const data = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.assetId !== undefined ? { assetId: input.assetId } : {}),
        ...(config !== undefined ? { config } : {}),
        ...(secrets !== undefined ? { secrets } : {}),
        ...(input.intervalSeconds !== undefined ? { intervalSeconds: input.intervalSeconds } : {}),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        ...(input.confirmations !== undefined ? { confirmations: input.confirmations } : {}),
        ...(input.recoveryThreshold !== undefined ? { recoveryThreshold: input.recoveryThreshold } : {}),
        ...(input.degradedThresholdMs !== undefined ? { degradedThresholdMs: input.degradedThresholdMs } : {}),
        ...(input.tags !== undefined ? { tags: [...new Set(input.tags)] } : {}),
        ...(input.regions !== undefined ? { regions: input.regions } : {}),
        ...(input.regionQuorum !== undefined ? { regionQuorum: input.regionQuorum } : {}),
      };
      const monitor = await tx.monitor.update({
        where: { id: current.id },
        data,
        select: { ...monitorSummarySelect, config: true },
      });
      // Which secrets changed, by path only: never a value.
      const secretChanges =
        secretsSet.length || secretsCleared.length ? { secrets: { set: secretsSet, cleared: secretsCleared } } : {};
      await emitAudit(tx, ctx, {
        action: "monitor.update",
        targetType: "monitor",
        targetId: monitor.id,
        metadata: {
          fields: Object.keys(data).filter((f) => f !== "secrets" || secretChanges.secrets),
          changes: changesOf(current, data),
          ...secretChanges,
        },
      });
      // Never hand a secret back, even from a row written before secrets were sealed (the worker's boot
      // sweep seals those; until then the config may still hold one).
      /** Stored secrets this edit dropped because the target changed (the form says so). */
      return { ...monitor, config: redactConfig(monitor.kind, monitor.config).config, secretsCleared };
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError("A monitor with this name already exists", { field: "name" });
    throw e;
  }
}
