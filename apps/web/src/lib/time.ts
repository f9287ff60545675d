import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

/** Format a UTC instant as wall-clock time in an IANA zone. */
export function formatInZone(date: Date, timeZone: string, pattern: string): string {
  return format(new TZDate(date.getTime(), timeZone), pattern);
}

/** Short zone name for the instant, e.g. "GMT", "EST", "GMT+9" (falls back to the IANA id). */
export function zoneAbbr(date: Date, timeZone: string): string {
  try {
    const part = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" })
      .formatToParts(date)
      .find((p) => p.type === "timeZoneName");
    return part?.value ?? timeZone;
  } catch {
    return timeZone;
  }
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
