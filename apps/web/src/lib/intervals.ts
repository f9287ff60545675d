import { TZDate } from "@date-fns/tz";
import type { UptimeDay } from "@steward/ui";
import { addDays, format, startOfDay } from "date-fns";

export interface Interval {
  state: "UP" | "DEGRADED" | "DOWN" | "UNKNOWN" | "MAINTENANCE";
  startedAt: Date | string;
  endedAt: Date | string | null;
}

/**
 * Per-day uptime (in the tenant's zone) from state intervals, for the last `days` days ending today.
 * Up time = UP + DEGRADED; maintenance and unknown time are excluded from the denominator.
 */
export function dailyUptime(
  intervals: readonly Interval[],
  timeZone: string,
  days: number,
  now = Date.now(),
): UptimeDay[] {
  const today = startOfDay(new TZDate(now, timeZone));
  const out: UptimeDay[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const dayStart = addDays(today, -i);
    const s = dayStart.getTime();
    const e = Math.min(addDays(dayStart, 1).getTime(), now);
    let up = 0;
    let down = 0;
    let maint = 0;
    for (const iv of intervals) {
      const a = Math.max(s, new Date(iv.startedAt).getTime());
      const b = Math.min(e, iv.endedAt ? new Date(iv.endedAt).getTime() : now);
      if (b <= a) continue;
      if (iv.state === "UP" || iv.state === "DEGRADED") up += b - a;
      else if (iv.state === "DOWN") down += b - a;
      else if (iv.state === "MAINTENANCE") maint += b - a;
    }
    const known = up + down;
    out.push({
      label: format(dayStart, "d MMM"),
      uptime: known > 0 ? up / known : null,
      downtimeSeconds: down / 1000,
      maintenance: known === 0 && maint > 0,
    });
  }
  return out;
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
