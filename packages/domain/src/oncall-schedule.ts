/**
 * On-call schedules: rotation layers, restrictions and overrides in an IANA zone (issue 9 item 3; ADR 0018).
 *
 * - Layer 0 is the lowest; a higher layer overrides the lower ones wherever it has someone on call.
 *   Overrides (user X from A to B) override every layer; among overlapping overrides the later one in the
 *   list wins.
 * - Rotations of `days` / `weeks` hand off at `handoffTime` local time: handoff k is on local date
 *   first + k·period days, resolved with the calendar's wall-time rule (business-hours.ts): a handoff time in
 *   a spring-forward gap happens at the first valid instant after the gap, a repeated time at its first
 *   occurrence. So a daily 09:00 handoff stays 09:00 local across DST (the shift is 23 h or 25 h long).
 *   The first handoff of a weekly layer is on the first date ≥ startDate falling on `handoffWeekday`
 *   (default: the start date's weekday).
 * - Rotations of `hours` are real elapsed time: handoff k = first handoff + k·length hours, regardless of
 *   DST (a 12-hour rotation stays 12 hours long).
 * - Before its first handoff a layer has nobody on call.
 * - A restriction (weekly local hours, same semantics as a business calendar without holidays) limits a
 *   layer to those hours; outside them the layer has nobody and lower layers show through.
 */
import { z } from "zod";
import {
  type BusinessCalendar,
  dayFromIso,
  isWithinBusinessHours,
  localDay,
  nextBusinessTransition,
  resolveLocal,
  TimeZoneId,
  toMinute,
  WeeklyHours,
  weekdayOfDay,
} from "./business-hours.ts";
import type { TimeLike } from "./uptime.ts";

const HOUR = 3_600_000;

export const RotationLayer = z
  .object({
    name: z.string().max(200).optional(),
    participants: z.array(z.string().min(1).max(200)).min(1).max(200),
    rotation: z.discriminatedUnion("unit", [
      z.object({
        unit: z.literal("hours"),
        length: z
          .number()
          .int()
          .min(1)
          .max(24 * 31),
      }),
      z.object({ unit: z.literal("days"), length: z.number().int().min(1).max(366) }),
      z.object({ unit: z.literal("weeks"), length: z.number().int().min(1).max(52) }),
    ]),
    handoffTime: z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, "expected HH:MM"),
    handoffWeekday: z.number().int().min(0).max(6).optional(),
    startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD"),
    restriction: WeeklyHours.optional(),
  })
  .refine(
    (l) => l.handoffWeekday === undefined || l.rotation.unit === "weeks",
    "handoffWeekday is for weekly rotations",
  );
export type RotationLayer = z.input<typeof RotationLayer>;

/** A Date, epoch ms or ISO-8601 string. */
const instantInput = z.union([z.date(), z.number().int(), z.iso.datetime({ offset: true })]).pipe(z.coerce.date());

export const ScheduleOverride = z
  .object({ userId: z.string().min(1).max(200), from: instantInput, to: instantInput })
  .refine((o) => o.from.getTime() < o.to.getTime(), "an override must end after it starts");
export type ScheduleOverride = z.input<typeof ScheduleOverride>;

export const OnCallSchedule = z.object({
  timeZone: TimeZoneId,
  layers: z.array(RotationLayer).max(20),
  overrides: z.array(ScheduleOverride).max(1000).default([]),
});
export type OnCallSchedule = z.input<typeof OnCallSchedule>;

export type OnCallSource = number | "override";
export interface OnCallSegment {
  userId: string | null;
  from: Date;
  to: Date;
  /** Layer index, "override", or null when nobody is on call. */
  source: OnCallSource | null;
}

const ms = (t: TimeLike): number => (typeof t === "number" ? t : t.getTime());

interface Layer {
  participants: string[];
  /** For hours: the period in ms; for days/weeks: the period in days. */
  unit: "hours" | "days";
  period: number;
  firstDay: number;
  minute: number;
  firstHandoff: number;
  restriction: BusinessCalendar | null;
}
interface Parsed {
  tz: string;
  layers: Layer[];
  overrides: { userId: string; from: number; to: number }[];
}

const cache = new WeakMap<object, Parsed>();
function parse(schedule: OnCallSchedule): Parsed {
  const hit = cache.get(schedule);
  if (hit) return hit;
  const s = OnCallSchedule.parse(schedule);
  const tz = s.timeZone;
  const layers = s.layers.map((l): Layer => {
    const start = dayFromIso(l.startDate);
    const minute = toMinute(l.handoffTime);
    let firstDay = start;
    if (l.rotation.unit === "weeks" && l.handoffWeekday !== undefined) {
      firstDay = start + ((l.handoffWeekday - weekdayOfDay(start) + 7) % 7);
    }
    return {
      participants: l.participants,
      unit: l.rotation.unit === "hours" ? "hours" : "days",
      period:
        l.rotation.unit === "hours"
          ? l.rotation.length * HOUR
          : l.rotation.length * (l.rotation.unit === "weeks" ? 7 : 1),
      firstDay,
      minute,
      firstHandoff: resolveLocal(tz, firstDay, minute),
      restriction: l.restriction ? { timeZone: tz, weekly: l.restriction, holidays: [] } : null,
    };
  });
  const p: Parsed = {
    tz,
    layers,
    overrides: s.overrides.map((o) => ({ userId: o.userId, from: o.from.getTime(), to: o.to.getTime() })),
  };
  cache.set(schedule, p);
  return p;
}

function handoff(tz: string, l: Layer, k: number): number {
  return l.unit === "hours" ? l.firstHandoff + k * l.period : resolveLocal(tz, l.firstDay + k * l.period, l.minute);
}

/** Index of the last handoff at or before t (-1 before the first). */
function shiftIndex(tz: string, l: Layer, t: number): number {
  if (t < l.firstHandoff) return -1;
  let k =
    l.unit === "hours"
      ? Math.floor((t - l.firstHandoff) / l.period)
      : Math.floor((localDay(tz, t) - l.firstDay) / l.period);
  k = Math.max(0, k);
  while (k > 0 && handoff(tz, l, k) > t) k--;
  while (handoff(tz, l, k + 1) <= t) k++;
  return k;
}

function layerUser(tz: string, l: Layer, t: number): string | null {
  const k = shiftIndex(tz, l, t);
  if (k < 0) return null;
  if (l.restriction && !isWithinBusinessHours(l.restriction, t)) return null;
  return l.participants[k % l.participants.length] ?? null;
}

function evaluate(p: Parsed, t: number): { userId: string | null; source: OnCallSource | null } {
  for (let i = p.overrides.length - 1; i >= 0; i--) {
    const o = p.overrides[i];
    if (o && o.from <= t && t < o.to) return { userId: o.userId, source: "override" };
  }
  for (let i = p.layers.length - 1; i >= 0; i--) {
    const l = p.layers[i];
    const u = l ? layerUser(p.tz, l, t) : null;
    if (u !== null) return { userId: u, source: i };
  }
  return { userId: null, source: null };
}

/** The user on call at `instant`, or null. */
export function whoIsOnCall(schedule: OnCallSchedule, instant: TimeLike): string | null {
  return evaluate(parse(schedule), ms(instant)).userId;
}

/** The handoff instants of layer `layerIndex` in [from, to), in order. */
export function layerHandoffs(schedule: OnCallSchedule, layerIndex: number, from: TimeLike, to: TimeLike): Date[] {
  const p = parse(schedule);
  const l = p.layers[layerIndex];
  if (!l) return [];
  const f = ms(from);
  const t = ms(to);
  const out: Date[] = [];
  for (let k = Math.max(0, shiftIndex(p.tz, l, f)); ; k++) {
    const h = handoff(p.tz, l, k);
    if (h >= t) break;
    if (h >= f) out.push(new Date(h));
  }
  return out;
}

/**
 * Ordered, non-overlapping segments tiling [from, to) exactly (segments with userId null where nobody is
 * on call); adjacent segments always differ in user or source.
 */
export function onCallTimeline(schedule: OnCallSchedule, from: TimeLike, to: TimeLike): OnCallSegment[] {
  const p = parse(schedule);
  const f = ms(from);
  const t = ms(to);
  if (t <= f) return [];
  const cuts = new Set<number>([f, t]);
  const add = (x: number) => {
    if (x > f && x < t) cuts.add(x);
  };
  for (const o of p.overrides) {
    add(o.from);
    add(o.to);
  }
  p.layers.forEach((l, i) => {
    for (const h of layerHandoffs(schedule, i, f, t)) add(h.getTime());
    if (l.restriction) {
      let x: Date | null = new Date(f);
      while (x && x.getTime() < t) {
        x = nextBusinessTransition(l.restriction, x);
        if (x) add(x.getTime());
      }
    }
  });
  const points = [...cuts].sort((a, b) => a - b);
  const out: OnCallSegment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const e = evaluate(p, a);
    const last = out[out.length - 1];
    if (last && last.userId === e.userId && last.source === e.source) last.to = new Date(b);
    else out.push({ userId: e.userId, source: e.source, from: new Date(a), to: new Date(b) });
  }
  return out;
}
