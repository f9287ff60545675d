import { HeartbeatConfig, PROBES } from "@steward/probes";
import { z } from "zod";

/** The region every deployment has (a worker without a configured region announces "local"). */
export const MONITOR_DEFAULT_REGION = "local";
export const MAX_MONITOR_REGIONS = 16;

/** A region name as workers announce it (probe_workers.region) and monitors list it. */
export const MonitorRegion = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "Regions are 1–32 lowercase letters, digits or dashes (not first)");

/** Where a monitor is probed from: 1..16 distinct regions (migration 20261125000000's CHECK). */
export const MonitorRegions = z
  .array(MonitorRegion)
  .min(1, "Pick at least one region")
  .max(MAX_MONITOR_REGIONS, `At most ${MAX_MONITOR_REGIONS} regions`)
  .refine((r) => new Set(r).size === r.length, "Each region may be listed once");

/** "Down when N of M regions agree": 1..M (checked against the regions by quorumIssue). */
export const RegionQuorum = z
  .int("Enter a whole number of regions")
  .min(1, "At least 1 region must agree")
  .max(MAX_MONITOR_REGIONS, `At most ${MAX_MONITOR_REGIONS} regions`);

/** The quorum's cross-field rule as a message, or null when N ≤ M. */
export function quorumIssue(regions: readonly string[], quorum: number): string | null {
  if (quorum <= regions.length) return null;
  return `Down needs ${quorum} regions to agree but the monitor has only ${regions.length} region${regions.length === 1 ? "" : "s"}`;
}

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

/**
 * The config schema of a monitor kind: the probe's own (what the worker validates with), or for
 * HEARTBEAT (push, no probe) its {graceSeconds?}. Undefined for an unknown kind.
 */
export function monitorConfigSchema(kind: string): z.ZodType | undefined {
  if (kind === "HEARTBEAT") return HeartbeatConfig;
  return Object.hasOwn(PROBES, kind)
    ? (PROBES as Record<string, { configSchema: z.ZodType }>)[kind]?.configSchema
    : undefined;
}
