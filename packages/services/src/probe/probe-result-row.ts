import type { MonitorState, ProbeOutcome } from "@steward/domain";

/** One probe result as the worker hands it to ingest (one row of probe_results). */
export interface ProbeResultRow {
  monitorId: string;
  tenantId: string;
  /** The slot on the monitor's schedule grid; (monitorId, scheduledAt, region) is unique. */
  scheduledAt: Date;
  checkedAt: Date;
  /** The state this single result stands for (UP/DEGRADED/DOWN/UNKNOWN). */
  state: MonitorState;
  latencyMs: number | null;
  statusCode: number | null;
  error: string | null;
  /** The region of the worker that ran the probe (default DEFAULT_REGION). */
  region?: string;
}

/** The region of a worker or result that names none (a single-region deployment). */
export const DEFAULT_REGION = "local";

export function outcomeOf(row: Pick<ProbeResultRow, "state" | "latencyMs">): ProbeOutcome {
  switch (row.state) {
    case "UP":
    case "DEGRADED":
      return { kind: "ok", latencyMs: row.latencyMs ?? 0 };
    case "DOWN":
      return { kind: "fail" };
    default:
      return { kind: "unknown" };
  }
}

export const rowKey = (monitorId: string, scheduledAt: Date, region: string | undefined) =>
  `${monitorId}|${scheduledAt.getTime()}|${region ?? DEFAULT_REGION}`;
