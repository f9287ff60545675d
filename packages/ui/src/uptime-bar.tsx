import { cn } from "./utils.ts";

/**
 * The shared vocabulary of daily uptime bars (the monitor page's 90-day bar, status pages): one colour per
 * day — green ≥ 99.9 %, amber ≥ 99 %, red below, blue mostly maintenance, grey no data (never green) — and
 * the words a tooltip or screen reader says about a day.
 */
export interface UptimeDay {
  /** Label for the day, e.g. "24 Nov 2026". */
  label: string;
  /** 0..1 uptime ratio, or null when there is no data. */
  uptime: number | null;
  downtimeSeconds?: number;
  /** The day was mostly maintenance (shown blue). */
  maintenance?: boolean;
}

export type UptimeLevel = "up" | "degraded" | "down" | "maintenance" | "none";

export function uptimeLevelOf(day: UptimeDay): UptimeLevel {
  if (day.maintenance) return "maintenance";
  if (day.uptime === null) return "none";
  if (day.uptime >= 0.999) return "up";
  if (day.uptime >= 0.99) return "degraded";
  return "down";
}

export const UPTIME_LEVEL_CLASS: Record<UptimeLevel, string> = {
  up: "bg-status-up",
  degraded: "bg-status-degraded",
  down: "bg-status-down",
  maintenance: "bg-status-maintenance",
  none: "bg-status-unknown/40",
};

export function formatDowntime(s: number): string {
  if (s <= 0) return "no downtime";
  if (s < 60) return `${Math.round(s)} s down`;
  if (s < 3600) return `${Math.round(s / 60)} min down`;
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return m > 0 ? `${h} h ${m} min down` : `${h} h down`;
}

/** "99.95%", or "100%" from 99.995 % up (never rounds a failing day up to 100 below that). */
export const formatUptimePct = (r: number) => `${r >= 0.99995 ? "100" : (r * 100).toFixed(2)}%`;

/** The one-line description of a day (tooltip, aria-label). */
export function describeUptimeDay(day: UptimeDay, incidents = 0): string {
  const up = day.uptime === null ? "no data" : `${formatUptimePct(day.uptime)} uptime`;
  const maint = day.maintenance ? "mostly maintenance, " : "";
  const inc = incidents ? `, ${incidents} incident${incidents === 1 ? "" : "s"}` : "";
  return `${day.label}: ${maint}${up}, ${formatDowntime(day.downtimeSeconds ?? 0)}${inc}`;
}

/** The screen-reader summary of a bar: days per colour. */
export function uptimeBarSummary(label: string, days: readonly UptimeDay[]): string {
  const counts: Record<UptimeLevel, number> = { up: 0, degraded: 0, down: 0, maintenance: 0, none: 0 };
  for (const d of days) counts[uptimeLevelOf(d)] += 1;
  return `${label}: ${days.length} days — ${counts.up} at or above 99.9 %, ${counts.degraded} between 99 % and 99.9 %, ${counts.down} below 99 %, ${counts.maintenance} mostly maintenance, ${counts.none} without data.`;
}

/** Class for a day's bar segment. */
export const uptimeDayClass = (day: UptimeDay) => cn(UPTIME_LEVEL_CLASS[uptimeLevelOf(day)]);
