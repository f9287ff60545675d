/**
 * Business-hours calendars in an IANA zone (issue 9 item 3; ADR 0018).
 *
 * A calendar is weekly hours (several intervals per weekday, minute resolution, "24:00" allowed as an
 * end), holidays (local dates, whole-day or partial) and an IANA zone. All zone maths use the built-in
 * `Intl` API; instants are epoch milliseconds (or `Date`).
 *
 * Wall-time resolution (the one rule every function follows):
 *   a local wall time W on local date D resolves to the FIRST instant at which the zone's clock shows
 *   W or later on that date, i.e. `min { t : wall(t) ≥ W }`.
 * Consequences:
 * - A time that does not exist (spring-forward gap) resolves to the transition instant, the first valid
 *   instant after the gap (a 02:30 start in New York's March gap starts at 03:00 EDT).
 * - A time that occurs twice (fall-back overlap) resolves to its first occurrence (01:30 EDT, not EST).
 * - An interval [start, end) on date D covers the instants [resolve(D,start), resolve(D,end)): its length
 *   is the real elapsed time, so 09:00–17:00 is 8 h on every day whose transition lies outside it, and
 *   e.g. 00:00–06:00 on a New York fall-back day is 7 h.
 * - "24:00" on D resolves to the first instant of D+1, so adjacent days tile without gap or overlap.
 * Holidays are subtracted in local minute-of-day space before resolution.
 */
import { z } from "zod";
import type { TimeLike } from "./uptime.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;

const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "expected HH:MM (00:00–24:00)");
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const TimeZoneId = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "unknown IANA time zone");

export const TimeInterval = z
  .object({ start: hhmm, end: hhmm })
  .refine((i) => toMinute(i.start) < toMinute(i.end), "an interval must end after it starts");
export type TimeInterval = z.infer<typeof TimeInterval>;

/** Index 0 = Sunday … 6 = Saturday (as `Date#getUTCDay`). */
export const WeeklyHours = z.array(z.array(TimeInterval)).length(7);
export type WeeklyHours = z.infer<typeof WeeklyHours>;

export const Holiday = z
  .object({ date: localDate, start: hhmm.optional(), end: hhmm.optional(), name: z.string().max(200).optional() })
  .refine((h) => (h.start === undefined) === (h.end === undefined), "a partial holiday needs start and end")
  .refine(
    (h) => h.start === undefined || toMinute(h.start) < toMinute(h.end ?? "24:00"),
    "holiday must end after it starts",
  );
export type Holiday = z.infer<typeof Holiday>;

export const BusinessCalendar = z.object({
  timeZone: TimeZoneId,
  weekly: WeeklyHours,
  holidays: z.array(Holiday).default([]),
});
export type BusinessCalendar = z.input<typeof BusinessCalendar>;

export function toMinute(hm: string): number {
  const [h, m] = hm.split(":");
  return Number(h) * 60 + Number(m);
}

const ms = (t: TimeLike): number => (typeof t === "number" ? t : t.getTime());

// ---------------------------------------------------------------------------------------------------------
// Zone primitives (exported for oncall-schedule.ts)

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The zone's wall clock at `t`, expressed as if it were UTC epoch ms (so `wall - t` is the offset). */
export function wallClock(tz: string, t: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(t))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const floorSec = Math.floor(t / 1000) * 1000;
  return (
    Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) + (t - floorSec)
  );
}

export const offsetAt = (tz: string, t: number): number => wallClock(tz, t) - t;

/** Local civil date of `t` as a day number (days since 1970-01-01). */
export const localDay = (tz: string, t: number): number => Math.floor(wallClock(tz, t) / DAY);

export const dayFromIso = (d: string): number => {
  const [y, m, dd] = d.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, dd ?? 1) / DAY;
};
export const isoFromDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
export const weekdayOfDay = (day: number): number => new Date(day * DAY).getUTCDay();

/**
 * The first instant at which the zone's clock shows `minute` (0…1440) on local `day` or later
 * (see the module comment: gaps → the transition instant, overlaps → the first occurrence).
 */
export function resolveLocal(tz: string, day: number, minute: number): number {
  const wall = day * DAY + minute * MINUTE;
  const before = offsetAt(tz, wall - DAY);
  const after = offsetAt(tz, wall + DAY);
  const candidates = [wall - before, wall - after].filter((t) => wallClock(tz, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // Gap: the transition T lies in (wall - after, wall - before]; find the first t with offset `after`.
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallClock(tz, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

// ---------------------------------------------------------------------------------------------------------
// Calendar

type Parsed = { tz: string; weekly: [number, number][][]; holidays: Map<number, [number, number][]> };

const parsedCache = new WeakMap<object, Parsed>();
function parse(cal: BusinessCalendar): Parsed {
  const hit = parsedCache.get(cal);
  if (hit) return hit;
  const c = BusinessCalendar.parse(cal);
  const holidays = new Map<number, [number, number][]>();
  for (const h of c.holidays) {
    const day = dayFromIso(h.date);
    const list = holidays.get(day) ?? [];
    list.push([h.start ? toMinute(h.start) : 0, h.end ? toMinute(h.end) : 1440]);
    holidays.set(day, list);
  }
  const p: Parsed = {
    tz: c.timeZone,
    weekly: c.weekly.map((day) => mergeMinutes(day.map((i) => [toMinute(i.start), toMinute(i.end)]))),
    holidays,
  };
  parsedCache.set(cal, p);
  return p;
}

function mergeMinutes(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function subtractMinutes(list: [number, number][], minus: [number, number][]): [number, number][] {
  let cur = list;
  for (const [hs, he] of minus) {
    const next: [number, number][] = [];
    for (const [s, e] of cur) {
      if (he <= s || hs >= e) next.push([s, e]);
      else {
        if (s < hs) next.push([s, hs]);
        if (he < e) next.push([he, e]);
      }
    }
    cur = next;
  }
  return cur;
}

/** Local minute-of-day intervals that are business time on `day`. */
function minutesOn(p: Parsed, day: number): [number, number][] {
  const base = p.weekly[weekdayOfDay(day)] ?? [];
  const hol = p.holidays.get(day);
  return hol ? subtractMinutes(base, hol) : base;
}

/** Business intervals of local `day` as instants [from, to), ordered, non-empty. */
function instantsOn(p: Parsed, day: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of minutesOn(p, day)) {
    const a = resolveLocal(p.tz, day, s);
    const b = resolveLocal(p.tz, day, e);
    if (b > a) out.push([a, b]);
  }
  return out;
}

export function isWithinBusinessHours(cal: BusinessCalendar, instant: TimeLike): boolean {
  const p = parse(cal);
  const t = ms(instant);
  return instantsOn(p, localDay(p.tz, t)).some(([a, b]) => a <= t && t < b);
}

/** Exact business milliseconds in [from, to) (0 if to ≤ from). */
export function businessMillisBetween(cal: BusinessCalendar, from: TimeLike, to: TimeLike): number {
  const p = parse(cal);
  const f = ms(from);
  const t = ms(to);
  if (t <= f) return 0;
  let total = 0;
  for (let day = localDay(p.tz, f); day <= localDay(p.tz, t); day++) {
    for (const [a, b] of instantsOn(p, day)) total += Math.max(0, Math.min(b, t) - Math.max(a, f));
  }
  return total;
}

/** How far ahead (in local days) the searching functions look before giving up. */
export const BUSINESS_SEARCH_DAYS = 800;

/**
 * The earliest instant at which `amount` ms of business time have elapsed since `from`
 * (`from` itself when amount ≤ 0). Throws a RangeError when the calendar has too little business time
 * within BUSINESS_SEARCH_DAYS.
 */
export function addBusinessMillis(cal: BusinessCalendar, from: TimeLike, amount: number): Date {
  const p = parse(cal);
  const f = ms(from);
  if (amount <= 0) return new Date(f);
  let left = amount;
  const first = localDay(p.tz, f);
  for (let day = first; day < first + BUSINESS_SEARCH_DAYS; day++) {
    for (const [a0, b] of instantsOn(p, day)) {
      const a = Math.max(a0, f);
      if (b <= a) continue;
      if (b - a >= left) return new Date(a + left);
      left -= b - a;
    }
  }
  throw new RangeError("the calendar has no business time left within the search horizon");
}

/**
 * The first instant strictly after `instant` at which isWithinBusinessHours changes value, or null when
 * it never changes within BUSINESS_SEARCH_DAYS.
 */
export function nextBusinessTransition(cal: BusinessCalendar, instant: TimeLike): Date | null {
  const p = parse(cal);
  const t = ms(instant);
  const first = localDay(p.tz, t);
  // Merge intervals across days, so a boundary where business time continues is not a transition.
  let open: [number, number] | null = null;
  for (let day = first; day < first + BUSINESS_SEARCH_DAYS; day++) {
    for (const [a, b] of instantsOn(p, day)) {
      if (open && a <= open[1]) {
        open[1] = Math.max(open[1], b);
        continue;
      }
      if (open) {
        if (open[0] > t) return new Date(open[0]);
        if (open[1] > t) return new Date(open[1]);
      }
      open = [a, b];
    }
    // An open interval that ends before the next day's first instant is final.
    if (open && open[1] < resolveLocal(p.tz, day + 1, 0)) {
      if (open[0] > t) return new Date(open[0]);
      if (open[1] > t) return new Date(open[1]);
      open = null;
    }
  }
  if (open) {
    if (open[0] > t) return new Date(open[0]);
    if (open[1] > t && open[1] < resolveLocal(p.tz, first + BUSINESS_SEARCH_DAYS, 0)) return new Date(open[1]);
  }
  return null;
}
