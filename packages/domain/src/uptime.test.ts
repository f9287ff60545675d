import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeUptime, type StateSpan, secondsByState, UPTIME_STATES, type UptimeState } from "./uptime.ts";

const T0 = Date.UTC(2026, 0, 1);
const sec = (n: number) => T0 + n * 1000;

const span = (state: UptimeState, from: number, to: number | null): StateSpan => ({
  state,
  startedAt: new Date(sec(from)),
  endedAt: to === null ? null : new Date(sec(to)),
});

describe("computeUptime", () => {
  it("counts UP and DEGRADED as up, DOWN as down, excludes MAINTENANCE and UNKNOWN", () => {
    const r = computeUptime(
      [
        span("UP", 0, 50),
        span("DEGRADED", 50, 60),
        span("DOWN", 60, 70),
        span("MAINTENANCE", 70, 90),
        span("UNKNOWN", 90, 100),
      ],
      { from: sec(0), to: sec(100) },
    );
    expect(r.seconds).toEqual({ UP: 50, DEGRADED: 10, DOWN: 10, MAINTENANCE: 20, UNKNOWN: 10 });
    expect(r.upSeconds).toBe(60);
    expect(r.downSeconds).toBe(10);
    expect(r.unknownSeconds).toBe(10);
    expect(r.maintenanceSeconds).toBe(20);
    expect(r.uptimePercent).toBeCloseTo((100 * 60) / 70, 12);
  });

  it("clips intervals to the window and reports uncovered time as no data", () => {
    const r = computeUptime([span("UP", -100, 10), span("DOWN", 30, 1000)], { from: sec(0), to: sec(100) });
    expect(r.seconds.UP).toBe(10);
    expect(r.seconds.DOWN).toBe(70);
    expect(r.noDataSeconds).toBe(20);
    expect(r.windowSeconds).toBe(100);
  });

  it("ends open intervals at now and never counts the future", () => {
    const r = computeUptime([span("UP", 0, null)], { from: sec(0), to: sec(100) }, sec(40));
    expect(r.seconds.UP).toBe(40);
    expect(r.windowSeconds).toBe(40);
    expect(r.uptimePercent).toBe(100);
  });

  it("returns null uptime when there is no up/down data", () => {
    expect(computeUptime([], { from: sec(0), to: sec(10) }).uptimePercent).toBeNull();
    expect(computeUptime([span("MAINTENANCE", 0, 10)], { from: sec(0), to: sec(10) }).uptimePercent).toBeNull();
    expect(computeUptime([span("UNKNOWN", 0, 10)], { from: sec(0), to: sec(10) }).uptimePercent).toBeNull();
  });

  it("is exact to the millisecond", () => {
    const r = computeUptime([{ state: "DOWN", startedAt: T0 + 250, endedAt: T0 + 1750 }], { from: T0, to: T0 + 2000 });
    expect(r.seconds.DOWN).toBe(1.5);
  });
});

// --- properties --------------------------------------------------------------------------------

const stateArb = fc.constantFrom(...UPTIME_STATES);
const spanArb = fc
  .record({
    state: stateArb,
    a: fc.integer({ min: -20, max: 120 }),
    len: fc.integer({ min: 0, max: 60 }),
    open: fc.boolean(),
  })
  .map(({ state, a, len, open }) => span(state, a, open ? null : a + len));
const inputArb = fc.record({
  spans: fc.array(spanArb, { maxLength: 8 }),
  from: fc.integer({ min: -10, max: 60 }),
  len: fc.integer({ min: 0, max: 80 }),
  nowOffset: fc.integer({ min: -10, max: 100 }),
});

/** Independent recomputation: attribute every whole second to the earliest-starting interval covering it. */
function bruteForce(spans: readonly StateSpan[], fromS: number, toS: number, nowS: number) {
  const out: Record<UptimeState, number> = { UP: 0, DEGRADED: 0, DOWN: 0, UNKNOWN: 0, MAINTENANCE: 0 };
  const ordered = spans
    .map((s, i) => ({ s, i }))
    .sort((x, y) => Number(x.s.startedAt) - Number(y.s.startedAt) || x.i - y.i)
    .map(({ s }) => s);
  for (let t = fromS; t < Math.min(toS, nowS); t++) {
    const at = sec(t);
    const hit = ordered.find((s) => {
      const start = Number(s.startedAt);
      const end = s.endedAt === null ? sec(nowS) : Number(s.endedAt);
      return start <= at && at < end;
    });
    if (hit) out[hit.state] += 1;
  }
  return out;
}

describe("uptime properties", () => {
  it("equals a brute-force per-second count", () => {
    fc.assert(
      fc.property(inputArb, ({ spans, from, len, nowOffset }) => {
        const nowS = from + nowOffset;
        const got = secondsByState(spans, { from: sec(from), to: sec(from + len) }, sec(nowS));
        expect(got).toEqual(bruteForce(spans, from, from + len, nowS));
      }),
    );
  });

  it("state seconds plus no-data seconds equal the window length (up to now)", () => {
    fc.assert(
      fc.property(inputArb, ({ spans, from, len, nowOffset }) => {
        const r = computeUptime(spans, { from: sec(from), to: sec(from + len) }, sec(from + nowOffset));
        const expectedWindow = Math.max(0, Math.min(len, nowOffset));
        expect(r.windowSeconds).toBe(expectedWindow);
        expect(r.coveredSeconds).toBeLessThanOrEqual(expectedWindow);
        expect(r.coveredSeconds + r.noDataSeconds).toBe(expectedWindow);
      }),
    );
  });

  it("uptime is null or within [0, 100], and null exactly when there is no up/down time", () => {
    fc.assert(
      fc.property(inputArb, ({ spans, from, len, nowOffset }) => {
        const r = computeUptime(spans, { from: sec(from), to: sec(from + len) }, sec(from + nowOffset));
        if (r.upSeconds + r.downSeconds === 0) expect(r.uptimePercent).toBeNull();
        else {
          expect(r.uptimePercent).not.toBeNull();
          expect(r.uptimePercent!).toBeGreaterThanOrEqual(0);
          expect(r.uptimePercent!).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it("does not depend on the order of the input", () => {
    fc.assert(
      fc.property(
        fc
          .array(spanArb, { maxLength: 8 })
          .chain((spans) =>
            fc.tuple(
              fc.constant(spans),
              fc.shuffledSubarray(spans, { minLength: spans.length, maxLength: spans.length }),
            ),
          ),
        ([spans, shuffled]) => {
          // Order only matters between intervals with the same start; drop those ties.
          const starts = spans.map((s) => Number(s.startedAt));
          fc.pre(new Set(starts).size === starts.length);
          const w = { from: sec(0), to: sec(100) };
          expect(secondsByState(shuffled, w)).toEqual(secondsByState(spans, w));
        },
      ),
    );
  });
});
