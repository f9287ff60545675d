import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addBusinessMillis,
  type BusinessCalendar,
  businessMillisBetween,
  dayFromIso,
  isWithinBusinessHours,
  nextBusinessTransition,
  resolveLocal,
  toMinute,
  wallClock,
} from "./business-hours.ts";

const H = 3_600_000;
const MIN = 60_000;
const DAY = 86_400_000;

const weekdays = (intervals: { start: string; end: string }[]) => [
  [],
  intervals,
  intervals,
  intervals,
  intervals,
  intervals,
  [],
];
const cal = (
  timeZone: string,
  intervals = [{ start: "09:00", end: "17:00" }],
  holidays: BusinessCalendar["holidays"] = [],
) => ({ timeZone, weekly: weekdays(intervals), holidays }) satisfies BusinessCalendar;

const everyDay = (timeZone: string, start: string, end: string): BusinessCalendar => ({
  timeZone,
  weekly: Array.from({ length: 7 }, () => [{ start, end }]),
});

describe("resolveLocal", () => {
  it("maps a wall time in the spring-forward gap to the transition instant", () => {
    // New York, 2026-03-08: 02:00 EST → 03:00 EDT at 07:00Z.
    expect(resolveLocal("America/New_York", dayFromIso("2026-03-08"), toMinute("02:30"))).toBe(Date.UTC(2026, 2, 8, 7));
  });
  it("maps a repeated wall time to its first occurrence", () => {
    // New York, 2026-11-01: 01:30 EDT = 05:30Z (01:30 EST = 06:30Z).
    expect(resolveLocal("America/New_York", dayFromIso("2026-11-01"), toMinute("01:30"))).toBe(
      Date.UTC(2026, 10, 1, 5, 30),
    );
  });
  it("handles Santiago's midnight gap: the day starts at 01:00", () => {
    // Chile 2026-09-06: 24:00 -04 → 01:00 -03 (04:00Z).
    expect(resolveLocal("America/Santiago", dayFromIso("2026-09-06"), 0)).toBe(Date.UTC(2026, 8, 6, 4));
  });
});

describe("businessMillisBetween (examples)", () => {
  it("counts 09:00–17:00 as 8 h on DST-change days in New York and London", () => {
    // Sunday transitions → use every-day calendars.
    for (const [tz, day] of [
      ["America/New_York", "2026-03-08"],
      ["America/New_York", "2026-11-01"],
      ["Europe/London", "2026-03-29"],
      ["Europe/London", "2026-10-25"],
    ] as const) {
      const c = everyDay(tz, "09:00", "17:00");
      const d = dayFromIso(day);
      expect(businessMillisBetween(c, (d - 1) * DAY, (d + 2) * DAY)).toBe(3 * 8 * H);
    }
  });
  it("uses the real elapsed time when the change is inside the interval", () => {
    const ny = everyDay("America/New_York", "00:00", "06:00");
    const spring = dayFromIso("2026-03-08");
    expect(
      businessMillisBetween(
        ny,
        resolveLocal("America/New_York", spring, 0),
        resolveLocal("America/New_York", spring + 1, 0),
      ),
    ).toBe(5 * H);
    const fall = dayFromIso("2026-11-01");
    expect(
      businessMillisBetween(
        ny,
        resolveLocal("America/New_York", fall, 0),
        resolveLocal("America/New_York", fall + 1, 0),
      ),
    ).toBe(7 * H);
  });
  it("Lord Howe's 30-minute shift: a 01:00–03:00 interval is 1.5 h in spring, 2.5 h in autumn", () => {
    const lh = everyDay("Australia/Lord_Howe", "01:00", "03:00");
    const spring = dayFromIso("2026-10-04"); // 02:00 → 02:30
    const autumn = dayFromIso("2026-04-05"); // 02:00 → 01:30
    const span = (d: number) =>
      businessMillisBetween(lh, resolveLocal(lh.timeZone, d, 0), resolveLocal(lh.timeZone, d + 1, 0));
    expect(span(spring)).toBe(1.5 * H);
    expect(span(autumn)).toBe(2.5 * H);
  });
  it("Santiago: an all-day calendar counts 23 h on the spring-forward day", () => {
    const s = everyDay("America/Santiago", "00:00", "24:00");
    const d = dayFromIso("2026-09-06");
    expect(businessMillisBetween(s, resolveLocal(s.timeZone, d, 0), resolveLocal(s.timeZone, d + 1, 0))).toBe(23 * H);
  });
  it("split days and holidays in Kolkata (no DST)", () => {
    const k = cal(
      "Asia/Kolkata",
      [
        { start: "09:00", end: "12:30" },
        { start: "13:30", end: "18:00" },
      ],
      [{ date: "2026-01-26" }, { date: "2026-01-27", start: "13:30", end: "24:00" }],
    );
    // Mon 26 Jan holiday, Tue 27 half day, Wed 28 full. Kolkata is UTC+05:30.
    const from = Date.UTC(2026, 0, 25, 18, 30); // Mon 00:00 local
    expect(businessMillisBetween(k, from, from + 3 * DAY)).toBe(3.5 * H + 8 * H);
    expect(isWithinBusinessHours(k, Date.UTC(2026, 0, 28, 7, 0))).toBe(false); // 12:30 local lunch
    expect(isWithinBusinessHours(k, Date.UTC(2026, 0, 28, 8, 0))).toBe(true); // 13:30 local
  });
});

describe("addBusinessMillis and nextBusinessTransition (examples)", () => {
  const ny = cal("America/New_York");
  it("rolls over nights and weekends", () => {
    // Fri 2026-01-02 16:00 EST (21:00Z) + 2 h → Mon 10:00 EST.
    expect(addBusinessMillis(ny, Date.UTC(2026, 0, 2, 21), 2 * H).getTime()).toBe(Date.UTC(2026, 0, 5, 15));
    expect(addBusinessMillis(ny, Date.UTC(2026, 0, 2, 21), 0).getTime()).toBe(Date.UTC(2026, 0, 2, 21));
  });
  it("finds the next opening and closing", () => {
    expect(nextBusinessTransition(ny, Date.UTC(2026, 0, 2, 21))?.getTime()).toBe(Date.UTC(2026, 0, 2, 22));
    expect(nextBusinessTransition(ny, Date.UTC(2026, 0, 2, 22))?.getTime()).toBe(Date.UTC(2026, 0, 5, 14));
    expect(nextBusinessTransition(everyDay("UTC", "00:00", "24:00"), 0)).toBeNull();
    expect(() => addBusinessMillis({ timeZone: "UTC", weekly: [[], [], [], [], [], [], []] }, 0, 1)).toThrow(
      RangeError,
    );
  });
  it("rejects invalid calendars", () => {
    expect(() => isWithinBusinessHours({ timeZone: "Mars/Olympus", weekly: weekdays([]) }, 0)).toThrow();
    expect(() => isWithinBusinessHours(cal("UTC", [{ start: "10:00", end: "09:00" }]), 0)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Property tests against a brute-force minute walk.

const ZONES = ["America/New_York", "Europe/London", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"];
/** Windows start near a DST change of some zone (or anywhere in 2026–2027). */
const ANCHORS = [
  Date.UTC(2026, 2, 8),
  Date.UTC(2026, 10, 1),
  Date.UTC(2026, 2, 29),
  Date.UTC(2026, 9, 25),
  Date.UTC(2026, 3, 5),
  Date.UTC(2026, 8, 6),
  Date.UTC(2026, 9, 4),
  Date.UTC(2027, 3, 4),
];

const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
/** Mostly intervals whose ends fall near the night-time transitions (00:00–04:00), some anywhere. */
const intervalArb = fc
  .oneof(
    { arbitrary: fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 10 })), weight: 3 },
    { arbitrary: fc.tuple(fc.integer({ min: 88, max: 95 }), fc.integer({ min: 1, max: 8 })), weight: 1 },
    { arbitrary: fc.tuple(fc.integer({ min: 0, max: 96 }), fc.integer({ min: 1, max: 96 })), weight: 2 },
  )
  .map(([a, len]) => ({ start: hm(a * 15), end: hm(Math.min(1440, a * 15 + len * 15)) }))
  .filter((i) => i.start !== i.end && i.start !== "24:00");
const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    weekly: fc.array(fc.array(intervalArb, { maxLength: 3 }), { minLength: 7, maxLength: 7 }),
    holidays: fc.array(
      fc.record({ offset: fc.integer({ min: -2, max: 6 }), part: fc.option(intervalArb, { nil: undefined }) }),
      { maxLength: 2 },
    ),
  })
  .chain((c) =>
    fc.constantFrom(...ANCHORS).map((anchor) => ({
      timeZone: c.timeZone,
      weekly: c.weekly,
      holidays: c.holidays.map((h) => ({
        date: new Date(anchor + h.offset * DAY).toISOString().slice(0, 10),
        ...(h.part ? { start: h.part.start, end: h.part.end } : {}),
      })),
      anchor,
    })),
  ) as fc.Arbitrary<BusinessCalendar & { anchor: number }>;

/**
 * Independent brute force: minute t is business iff the largest wall minute-of-day the clock has shown on
 * t's local date so far (up to t) is inside a weekly interval and outside that date's holidays.
 */
function bruteBusinessMinutes(c: BusinessCalendar, from: number, to: number): boolean[] {
  const tz = c.timeZone;
  const out: boolean[] = [];
  let date = -1;
  let max = -1;
  for (let t = from - 2 * DAY; t < to; t += MIN) {
    const w = wallClock(tz, t);
    const d = Math.floor(w / DAY);
    const m = Math.floor((w - d * DAY) / MIN);
    if (d !== date) {
      date = d;
      max = m;
    } else max = Math.max(max, m);
    if (t < from) continue;
    const iso = new Date(d * DAY).toISOString().slice(0, 10);
    const wd = new Date(d * DAY).getUTCDay();
    const inWeekly = (c.weekly[wd] ?? []).some((i) => toMinute(i.start) <= max && max < toMinute(i.end));
    const inHoliday = (c.holidays ?? []).some(
      (h) => h.date === iso && toMinute(h.start ?? "00:00") <= max && max < toMinute(h.end ?? "24:00"),
    );
    out.push(inWeekly && !inHoliday);
  }
  return out;
}

const windowArb = fc.record({
  startMin: fc.integer({ min: -2 * 1440, max: 2 * 1440 }),
  lenMin: fc.integer({ min: 0, max: 3 * 1440 }),
});

describe("business hours (properties vs. a minute walk)", () => {
  it("businessMillisBetween and isWithinBusinessHours equal the brute-force walk", () => {
    fc.assert(
      fc.property(calendarArb, windowArb, (c, w) => {
        const anchor = (c as BusinessCalendar & { anchor: number }).anchor;
        const from = anchor + w.startMin * MIN;
        const to = from + w.lenMin * MIN;
        const brute = bruteBusinessMinutes(c, from, to);
        expect(businessMillisBetween(c, from, to)).toBe(brute.filter(Boolean).length * MIN);
        // Spot-check membership on a sample of minutes.
        for (let i = 0; i < brute.length; i += 37) expect(isWithinBusinessHours(c, from + i * MIN)).toBe(brute[i]);
      }),
      { numRuns: 40 },
    );
  });

  it("addBusinessMillis inverts businessMillisBetween, and transitions flip membership", () => {
    fc.assert(
      fc.property(calendarArb, windowArb, fc.integer({ min: 0, max: 3 * 1440 }), (c, w, addMin) => {
        const anchor = (c as BusinessCalendar & { anchor: number }).anchor;
        const from = anchor + w.startMin * MIN;
        const to = from + w.lenMin * MIN;
        const hasHours = c.weekly.some((d) => d.length > 0);
        if (hasHours) {
          const end = addBusinessMillis(c, from, addMin * MIN).getTime();
          expect(businessMillisBetween(c, from, end)).toBe(addMin * MIN);
          const between = businessMillisBetween(c, from, to);
          expect(addBusinessMillis(c, from, between).getTime()).toBeLessThanOrEqual(to);
        }
        const next = nextBusinessTransition(c, from);
        if (next) {
          const n = next.getTime();
          expect(n).toBeGreaterThan(from);
          expect(isWithinBusinessHours(c, n)).not.toBe(isWithinBusinessHours(c, n - 1));
          // No flip strictly between `from` and `next` (sampled per minute over at most 3 days).
          const inside = isWithinBusinessHours(c, from);
          for (let t = from; t < Math.min(n, from + 3 * DAY); t += 7 * MIN)
            expect(isWithinBusinessHours(c, t)).toBe(inside);
        }
      }),
      { numRuns: 40 },
    );
  });
});
