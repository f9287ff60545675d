import type { UptimeDay } from "@steward/ui";
import { format } from "date-fns";

export interface Interval {
  state: "UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE";
  startedAt: Date | string;
  endedAt: Date | string | null;
}

export interface ZoneDay {
  /** YYYY-MM-DD in the tenant's zone. */
  date: string;
  upSeconds: number;
  degradedSeconds: number;
  downSeconds: number;
  unknownSeconds: number;
  maintenanceSeconds: number;
  uptimePct: number | null;
}

/**
 * Server-computed days (monitor.get `days90`) as bar days: blue when maintenance is more than half of the
 * day's recorded time, grey when there is no up/down data.
 */
export function zoneDaysToUptimeDays(days: readonly ZoneDay[]): UptimeDay[] {
  return days.map((d) => {
    const [y, m, day] = d.date.split("-").map(Number) as [number, number, number];
    const recorded = d.upSeconds + d.degradedSeconds + d.downSeconds + d.unknownSeconds + d.maintenanceSeconds;
    return {
      label: format(new Date(y, m - 1, day), "d MMM yyyy"),
      uptime: d.uptimePct === null ? null : d.uptimePct / 100,
      downtimeSeconds: d.downSeconds,
      maintenance: recorded > 0 && d.maintenanceSeconds > recorded / 2,
    };
  });
}
