import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toMinute, wallClock } from "./business-hours.ts";
import {
  layerHandoffs,
  type OnCallSchedule,
  onCallTimeline,
  type RotationLayer,
  whoIsOnCall,
} from "./oncall-schedule.ts";

const H = 3_600_000;
const MIN = 60_000;
const DAY = 86_400_000;
const iso = (t: Date) => t.toISOString();

const daily = (
  participants: string[],
  startDate: string,
  handoffTime = "09:00",
  extra: Partial<RotationLayer> = {},
): RotationLayer => ({
  participants,
  rotation: { unit: "days", length: 1 },
  handoffTime,
  startDate,
  ...extra,
});

describe("handoffs across DST", () => {
  it("a daily 09:00 handoff stays 09:00 local in New York", () => {
    const s: OnCallSchedule = { timeZone: "America/New_York", layers: [daily(["a", "b"], "2026-03-06")] };
    expect(layerHandoffs(s, 0, Date.UTC(2026, 2, 6), Date.UTC(2026, 2, 10)).map(iso)).toEqual([
      "2026-03-06T14:00:00.000Z",
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
    expect(whoIsOnCall(s, Date.UTC(2026, 2, 6, 13, 59))).toBeNull(); // before the first handoff
    expect(whoIsOnCall(s, Date.UTC(2026, 2, 6, 14))).toBe("a");
    expect(whoIsOnCall(s, Date.UTC(2026, 2, 8, 12, 59))).toBe("b");
    expect(whoIsOnCall(s, Date.UTC(2026, 2, 8, 13))).toBe("a");
  });

  it("London weekly Monday handoffs, and a 12-hour rotation stays 12 real hours", () => {
    const s: OnCallSchedule = {
      timeZone: "Europe/London",
      layers: [
        {
          participants: ["x", "y"],
          rotation: { unit: "weeks", length: 1 },
          handoffTime: "10:00",
          handoffWeekday: 1,
          startDate: "2026-03-25",
        },
        {
          participants: ["p", "q"],
          rotation: { unit: "hours", length: 12 },
          handoffTime: "00:00",
          startDate: "2026-10-24",
        },
      ],
    };
    expect(layerHandoffs(s, 0, Date.UTC(2026, 2, 25), Date.UTC(2026, 3, 7)).map(iso)).toEqual([
      "2026-03-30T09:00:00.000Z",
      "2026-04-06T09:00:00.000Z",
    ]);
    expect(layerHandoffs(s, 1, Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 26)).map(iso)).toEqual([
      "2026-10-24T23:00:00.000Z",
      "2026-10-25T11:00:00.000Z",
      "2026-10-25T23:00:00.000Z",
    ]);
  });

  it("Santiago: a 00:00 handoff on the spring-forward day happens at 01:00 local", () => {
    const s: OnCallSchedule = { timeZone: "America/Santiago", layers: [daily(["a", "b"], "2026-09-05", "00:00")] };
    expect(layerHandoffs(s, 0, Date.UTC(2026, 8, 5), Date.UTC(2026, 8, 8)).map(iso)).toEqual([
      "2026-09-05T04:00:00.000Z",
      "2026-09-06T04:00:00.000Z", // 01:00 -03, the first instant of the day
      "2026-09-07T03:00:00.000Z",
    ]);
  });

  it("Lord Howe 02:15 handoff in the 30-minute gap moves to 02:30", () => {
    const s: OnCallSchedule = { timeZone: "Australia/Lord_Howe", layers: [daily(["a"], "2026-10-04", "02:15")] };
    // 2026-10-04 02:00 +10:30 → 02:30 +11 (15:30Z on the 3rd).
    expect(layerHandoffs(s, 0, Date.UTC(2026, 9, 3), Date.UTC(2026, 9, 4)).map(iso)).toEqual([
      "2026-10-03T15:30:00.000Z",
    ]);
  });
});

describe("layers, restrictions and overrides", () => {
  const s: OnCallSchedule = {
    timeZone: "Asia/Kolkata",
    layers: [
      daily(["night1", "night2"], "2026-01-01", "00:00"),
      daily(["day"], "2026-01-01", "00:00", {
        restriction: [[], ...Array.from({ length: 5 }, () => [{ start: "09:00", end: "18:00" }]), []],
      }),
    ],
    overrides: [{ userId: "cover", from: new Date(Date.UTC(2026, 0, 5, 6)), to: new Date(Date.UTC(2026, 0, 5, 7)) }],
  };
  it("higher layers win where they have someone; overrides win over everything", () => {
    // Mon 2026-01-05: 09:00 IST = 03:30Z.
    expect(whoIsOnCall(s, Date.UTC(2026, 0, 5, 3))).toBe("night1");
    expect(whoIsOnCall(s, Date.UTC(2026, 0, 5, 4))).toBe("day");
    expect(whoIsOnCall(s, Date.UTC(2026, 0, 5, 6, 30))).toBe("cover");
    expect(
      onCallTimeline(s, Date.UTC(2026, 0, 5, 0), Date.UTC(2026, 0, 5, 14)).map((x) => [
        x.userId,
        x.source,
        iso(x.from),
      ]),
    ).toEqual([
      ["night1", 0, "2026-01-05T00:00:00.000Z"],
      ["day", 1, "2026-01-05T03:30:00.000Z"],
      ["cover", "override", "2026-01-05T06:00:00.000Z"],
      ["day", 1, "2026-01-05T07:00:00.000Z"],
      ["night1", 0, "2026-01-05T12:30:00.000Z"],
    ]);
  });
  it("rejects bad input", () => {
    expect(() => whoIsOnCall({ timeZone: "UTC", layers: [daily([], "2026-01-01")] }, 0)).toThrow();
    expect(() =>
      whoIsOnCall({ timeZone: "UTC", layers: [], overrides: [{ userId: "u", from: 5, to: 5 }] }, 0),
    ).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties: the timeline tiles its window and agrees with whoIsOnCall and an independent minute walk.

const ZONES = ["America/New_York", "Europe/London", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"];
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
const quarter = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 16 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 95 }), weight: 1 },
);
const users = fc.oneof(
  { arbitrary: fc.shuffledSubarray(["a", "b", "c", "d"], { minLength: 2 }), weight: 4 },
  { arbitrary: fc.array(fc.constantFrom("a", "b"), { minLength: 1, maxLength: 3 }), weight: 1 },
);

const layerArb = (anchor: number) =>
  fc
    .record({
      participants: users,
      rotation: fc.oneof(
        fc.record({ unit: fc.constant("days" as const), length: fc.integer({ min: 1, max: 2 }) }),
        fc.record({ unit: fc.constant("weeks" as const), length: fc.constant(1) }),
        fc.record({ unit: fc.constant("hours" as const), length: fc.integer({ min: 1, max: 30 }) }),
      ),
      handoffTime: quarter.map((q) => hm(q * 15)),
      startDate: fc.integer({ min: -4, max: 1 }).map((d) => new Date(anchor + d * DAY).toISOString().slice(0, 10)),
      restriction: fc.option(
        fc.array(
          fc.array(
            fc
              .tuple(quarter, fc.integer({ min: 1, max: 40 }))
              .map(([a, len]) => ({ start: hm(a * 15), end: hm(Math.min(1440, (a + len) * 15)) })),
            { maxLength: 2 },
          ),
          { minLength: 7, maxLength: 7 },
        ),
        { nil: undefined },
      ),
      weekday: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    })
    .map(
      ({ weekday, ...l }): RotationLayer =>
        l.rotation.unit === "weeks" && weekday !== undefined ? { ...l, handoffWeekday: weekday } : l,
    );

const scheduleArb = fc.tuple(fc.constantFrom(...ZONES), fc.constantFrom(...ANCHORS)).chain(([timeZone, anchor]) =>
  fc.record({
    anchor: fc.constant(anchor),
    schedule: fc.record({
      timeZone: fc.constant(timeZone),
      layers: fc.array(layerArb(anchor), { minLength: 1, maxLength: 3 }),
      overrides: fc.array(
        fc
          .record({
            userId: fc.constantFrom("o1", "o2"),
            a: fc.integer({ min: -600, max: 1440 }),
            len: fc.integer({ min: 1, max: 900 }),
          })
          .map((o) => ({
            userId: o.userId,
            from: new Date(anchor + o.a * MIN),
            to: new Date(anchor + (o.a + o.len) * MIN),
          })),
        { maxLength: 3 },
      ),
    }),
    startMin: fc.integer({ min: -1440, max: 1440 }),
    lenMin: fc.integer({ min: 1, max: 2 * 1440 }),
  }),
);

/**
 * Independent evaluation along a minute walk (days/weeks layers count handoffs by watching the wall clock;
 * restrictions use the running maximum of the day's wall minutes, as the business-hours brute force does).
 */
function bruteWalk(s: OnCallSchedule, from: number, to: number): (string | null)[] {
  const tz = s.timeZone;
  const out: (string | null)[] = [];
  // Hourly layers: the first handoff is the first instant the start date's wall clock reaches the time.
  const firstHourly = s.layers.map((l) => {
    const start = Date.parse(`${l.startDate}T00:00:00Z`) / DAY;
    const target = start * DAY + toMinute(l.handoffTime) * MIN;
    let first = target - 14 * H;
    while (!(Math.floor(wallClock(tz, first) / DAY) > start || wallClock(tz, first) >= target)) first += MIN;
    return first;
  });
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
    const override = [...(s.overrides ?? [])].reverse().find((o) => +new Date(o.from) <= t && t < +new Date(o.to));
    if (override) {
      out.push(override.userId);
      continue;
    }
    let who: string | null = null;
    for (let i = s.layers.length - 1; i >= 0 && who === null; i--) {
      const l = s.layers[i] as RotationLayer;
      let start = Date.parse(`${l.startDate}T00:00:00Z`) / DAY;
      if (l.handoffWeekday !== undefined) start += (l.handoffWeekday - new Date(start * DAY).getUTCDay() + 7) % 7;
      const hMin = toMinute(l.handoffTime);
      let k: number;
      if (l.rotation.unit === "hours") {
        const first = firstHourly[i] as number;
        k = t < first ? -1 : Math.floor((t - first) / (l.rotation.length * H));
      } else {
        const period = l.rotation.unit === "weeks" ? 7 * l.rotation.length : l.rotation.length;
        if (d < start) k = -1;
        else {
          k = Math.floor((d - start) / period);
          if ((d - start) % period === 0 && max < hMin) k--;
        }
      }
      if (k < 0) continue;
      if (l.restriction) {
        const wd = new Date(d * DAY).getUTCDay();
        if (!(l.restriction[wd] ?? []).some((i) => toMinute(i.start) <= max && max < toMinute(i.end))) continue;
      }
      who = l.participants[k % l.participants.length] ?? null;
    }
    out.push(who);
  }
  return out;
}

describe("on-call schedule (properties vs. a minute walk)", () => {
  it("the timeline tiles the window and matches whoIsOnCall and the brute force at every minute", () => {
    fc.assert(
      fc.property(scheduleArb, ({ anchor, schedule, startMin, lenMin }) => {
        const from = anchor + startMin * MIN;
        const to = from + lenMin * MIN;
        const tl = onCallTimeline(schedule, from, to);
        expect(tl[0]?.from.getTime()).toBe(from);
        expect(tl[tl.length - 1]?.to.getTime()).toBe(to);
        for (let i = 0; i < tl.length; i++) {
          const seg = tl[i];
          expect(seg && seg.from < seg.to).toBe(true);
          if (i > 0) {
            const prev = tl[i - 1];
            expect(prev?.to.getTime()).toBe(seg?.from.getTime());
            expect(prev?.userId === seg?.userId && prev?.source === seg?.source).toBe(false);
          }
        }
        const brute = bruteWalk(schedule, from, to);
        let j = 0;
        for (let i = 0; i < brute.length; i++) {
          const t = from + i * MIN;
          while ((tl[j]?.to.getTime() ?? Number.POSITIVE_INFINITY) <= t) j++;
          expect(tl[j]?.userId).toBe(brute[i]);
          if (i % 29 === 0) expect(whoIsOnCall(schedule, t)).toBe(brute[i]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
