import type { MonitorStatus } from "@steward/ui";

export type Counts = Partial<Record<MonitorStatus, number>>;

/** Roll a set of monitor counts up to the worst status, for a banner or a tenant card. */
export function rollup(counts: Counts): { status: MonitorStatus; label: string; rank: number } {
  if ((counts.DOWN ?? 0) > 0) return { status: "DOWN", label: "Outage", rank: 4 };
  if ((counts.DEGRADED ?? 0) > 0) return { status: "DEGRADED", label: "Degraded", rank: 3 };
  if ((counts.UP ?? 0) > 0) return { status: "UP", label: "Operational", rank: 1 };
  if ((counts.MAINTENANCE ?? 0) > 0) return { status: "MAINTENANCE", label: "Maintenance", rank: 2 };
  return { status: "UNKNOWN", label: "No data", rank: 0 };
}
