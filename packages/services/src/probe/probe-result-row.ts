import type { MonitorState, ProbeOutcome } from "@steward/domain";

/** One probe result as the worker hands it to ingest (one row of probe_results). */
export interface ProbeResultRow {
  monitorId: string;
  tenantId: string;
  /** The slot on the monitor's schedule grid; (monitorId, scheduledAt) is unique. */
  scheduledAt: Date;
  checkedAt: Date;
  /** The state this single result stands for (UP/DEGRADED/DOWN/UNKNOWN). */
  state: MonitorState;
  latencyMs: number | null;
  statusCode: number | null;
  error: string | null;
  region?: string;
}

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

export const rowKey = (monitorId: string, scheduledAt: Date) => `${monitorId}|${scheduledAt.getTime()}`;
