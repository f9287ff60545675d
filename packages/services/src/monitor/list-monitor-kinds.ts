import { PROBES } from "@steward/probes";
import { z } from "zod";
import type { ServiceContext } from "../context.ts";
import { requirePermission } from "../require-permission.ts";
import { CreateMonitorInput } from "./create-monitor.ts";
import { monitorConfigSchema } from "./monitor-fields.ts";

export interface MonitorKindInfo {
  kind: string;
  /** The probe's config schema as JSON Schema (input side: defaults and optional fields as typed). */
  configSchema: Record<string, unknown>;
  /** Whether createMonitor accepts this kind yet (every kind can be edited). */
  creatable: boolean;
  /** Push kinds (HEARTBEAT) are not probed: nothing to "test now", no timeout or latency. */
  push: boolean;
}

/** The probe kinds, then HEARTBEAT (push: the monitored job calls a secret URL). */
const KINDS = [...Object.keys(PROBES), "HEARTBEAT"];

function acceptsKind(kind: string): boolean {
  const r = CreateMonitorInput.safeParse({ name: "x", kind, config: {} });
  return r.success || !r.error.issues.some((i) => i.path[0] === "kind");
}

let cache: MonitorKindInfo[] | undefined;

/**
 * The probe kinds and their config schemas (from @steward/probes, as JSON Schema) so the dashboard builds
 * its create / edit form from the same schema the worker validates with. Adding a kind to PROBES adds it here.
 * HEARTBEAT comes last with its {graceSeconds?} schema.
 */
export function listMonitorKinds(ctx: ServiceContext): MonitorKindInfo[] {
  requirePermission(ctx, "monitor:read");
  cache ??= KINDS.flatMap((kind) => {
    const schema = monitorConfigSchema(kind);
    if (!schema) return [];
    return [
      {
        kind,
        configSchema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
        creatable: acceptsKind(kind),
        push: kind === "HEARTBEAT",
      },
    ];
  });
  return cache;
}
