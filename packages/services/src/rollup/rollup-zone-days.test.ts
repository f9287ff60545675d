import { describe, expect, it } from "vitest";
import { lastZoneDays, zoneDate, zoneMidnight } from "./rollup-zone-days.ts";

const H = 3_600_000;
const DAY = 24 * H;

/** Offset (ms) of `timeZone` at instant `t` (local wall clock − UTC), straight from Intl (the oracle). */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
function offsetAt(t: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(t / 1000) * 1000;
}

/** Every calendar date of 2026 and 2027 plus the first of 2028 (so the last day has an end). */
const DATES: string[] = [];
for (let t = Date.UTC(2026, 0, 1); t <= Date.UTC(2028, 0, 1); t += DAY)
  DATES.push(new Date(t).toISOString().slice(0, 10));

describe("zone days", () => {
  it("starts a day where DST skips midnight at the first wall time that exists (regression)", () => {
    // America/Santiago 2026-09-06 and America/Havana 2026-03-08: 00:00 → 01:00. The old zoneMidnight()
    // answered an hour early (23:00 of the day before).
    expect(new Date(zoneMidnight("2026-09-06", "America/Santiago")).toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(new Date(zoneMidnight("2026-03-08", "America/Havana")).toISOString()).toBe("2026-03-08T05:00:00.000Z");
    const len = (d: string, next: string, z: string) => (zoneMidnight(next, z) - zoneMidnight(d, z)) / H;
    expect(len("2026-09-05", "2026-09-06", "America/Santiago")).toBe(24);
    expect(len("2026-09-06", "2026-09-07", "America/Santiago")).toBe(23);
    expect(len("2026-03-07", "2026-03-08", "America/Havana")).toBe(24);
    expect(len("2026-03-08", "2026-03-09", "America/Havana")).toBe(23);
    // Havana's autumn change repeats 00:00–01:00: the day starts at the first 00:00 and lasts 25 h.
    expect(len("2026-11-01", "2026-11-02", "America/Havana")).toBe(25);
    expect(len("2026-11-01", "2026-11-02", "America/New_York")).toBe(25);
    expect(len("2026-10-04", "2026-10-05", "Australia/Lord_Howe")).toBe(23.5); // a 30-minute change
    expect(len("2026-10-04", "2026-10-05", "Asia/Kolkata")).toBe(24);
  });

  it("every IANA zone × every day of 2026–2027: the first instant of the local date, tiling time, 24 h ± the zone's offset change", () => {
    const zones = Intl.supportedValuesOf("timeZone");
    expect(zones.length).toBeGreaterThan(300);
    const failures: string[] = [];
    const lengths = new Map<number, Set<string>>(); // day length (minutes) → zones with such a day
    for (const zone of zones) {
      // The oracle: Intl's local wall clock, "YYYY-MM-DD hh:mm:ss" (sv-SE).
      const local = new Intl.DateTimeFormat("sv-SE", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
      const starts = DATES.map((d) => zoneMidnight(d, zone));
      for (let i = 0; i < DATES.length - 1; i++) {
        const [date, s, e] = [DATES[i]!, starts[i]!, starts[i + 1]!];
        const prev = i === 0 ? "2025-12-31" : DATES[i - 1]!;
        // The first instant whose local date is `date`: it is `date` at s, still the day before 1 ms earlier
        // (so consecutive days tile time: day i ends where day i + 1 begins, checked at i + 1).
        const [at, before] = [local.format(s), local.format(s - 1)];
        if (!at.startsWith(date) || !before.startsWith(prev)) {
          failures.push(`${zone} ${date}: starts ${new Date(s).toISOString()} (local ${at}, 1 ms before ${before})`);
          continue;
        }
        // At local 00:00 — unless the zone skipped midnight: then right after the jump, by exactly the jump.
        const late = s + offsetAt(s, zone) - Date.parse(`${date}T00:00:00Z`);
        if (!at.endsWith(" 00:00:00") && late !== offsetAt(s, zone) - offsetAt(s - 1, zone)) {
          failures.push(`${zone} ${date}: starts at local ${at} without a skipped midnight`);
        }
        // 24 h unless the offset changes around the day; whole quarter hours, never more than 2 h off.
        const length = e - s;
        if (length !== DAY) {
          if (length % (15 * 60_000) !== 0 || Math.abs(length - DAY) > 2 * H)
            failures.push(`${zone} ${date}: ${length / H} h`);
          if (offsetAt(s - 1, zone) === offsetAt(e, zone)) failures.push(`${zone} ${date}: ${length / H} h, no change`);
          const zonesOf = lengths.get(length / 60_000) ?? new Set<string>();
          lengths.set(length / 60_000, zonesOf.add(zone));
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // The zones' real day lengths besides 24 h over the two years: ±1 h, ±30 min (Australia/Lord_Howe) and
    // ±2 h (Antarctica/Troll).
    expect([...lengths.keys()].sort((a, b) => a - b)).toEqual([1320, 1380, 1410, 1470, 1500, 1560]);
    expect([...lengths.get(1410)!]).toEqual(["Australia/Lord_Howe"]);
    expect([...lengths.get(1320)!]).toEqual(["Antarctica/Troll"]);
  }, 120_000);

  it("lastZoneDays tiles the window without gaps or overlaps and ends at now", () => {
    const now = Date.parse("2026-11-03T15:07:00Z");
    for (const zone of ["America/Santiago", "America/Havana", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]) {
      const days = lastZoneDays(400, zone, now);
      expect(days).toHaveLength(400);
      expect(days.at(-1)).toMatchObject({ date: zoneDate(now, zone), to: now });
      for (let i = 1; i < days.length; i++) expect(days[i]!.from).toBe(days[i - 1]!.to);
      for (const d of days) expect(zoneDate(d.from, zone)).toBe(d.date);
    }
  });
});
