import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  earliestPossiblyRolled,
  HOUR_MS,
  planRollupWindow,
  type Range,
  ROLLUP_SETTLE_MS,
} from "./rollup-plan.ts";

const T0 = Date.UTC(2026, 9, 1);
const d = (ms: number) => new Date(T0 + ms);

function coveredMs(ranges: Range[]) {
  return ranges.reduce((n, r) => n + (r.to.getTime() - r.from.getTime()), 0);
}

describe("planRollupWindow", () => {
  it("without coverage everything is raw", () => {
    expect(planRollupWindow({ from: d(0), to: d(5 * HOUR_MS) }, { hourly: null, daily: null })).toEqual({
      raw: [{ from: d(0), to: d(5 * HOUR_MS) }],
      hourly: [],
      daily: [],
    });
  });

  it("raw edges, hourly around whole days, daily in the middle", () => {
    const p = planRollupWindow(
      { from: d(30 * 60_000), to: d(3 * DAY_MS + 90 * 60_000) },
      { hourly: { from: d(0), until: d(3 * DAY_MS + HOUR_MS) }, daily: { from: d(0), until: d(3 * DAY_MS) } },
    );
    expect(p.raw).toEqual([
      { from: d(30 * 60_000), to: d(HOUR_MS) },
      { from: d(3 * DAY_MS + HOUR_MS), to: d(3 * DAY_MS + 90 * 60_000) },
    ]);
    expect(p.hourly).toEqual([
      { from: d(HOUR_MS), to: d(DAY_MS) },
      { from: d(3 * DAY_MS), to: d(3 * DAY_MS + HOUR_MS) },
    ]);
    expect(p.daily).toEqual([{ from: d(DAY_MS), to: d(3 * DAY_MS) }]);
  });

  it("pieces are disjoint, inside coverage, and add up to the window (property)", () => {
    const t = fc.integer({ min: 0, max: 10 * DAY_MS });
    fc.assert(
      fc.property(t, t, t, t, fc.boolean(), fc.boolean(), (a, b, c, e, withHourly, withDaily) => {
        const [from, to] = [Math.min(a, b), Math.max(a, b)];
        const hf = Math.floor(Math.min(c, e) / HOUR_MS) * HOUR_MS;
        const hu = Math.floor(Math.max(c, e) / HOUR_MS) * HOUR_MS;
        const hourly = withHourly ? { from: d(hf), until: d(hu) } : null;
        const daily = withDaily
          ? {
              from: d(Math.ceil(hf / DAY_MS) * DAY_MS),
              until: d(Math.max(Math.ceil(hf / DAY_MS) * DAY_MS, Math.floor(hu / DAY_MS) * DAY_MS)),
            }
          : null;
        const p = planRollupWindow({ from: d(from), to: d(to) }, { hourly, daily });
        const all = [...p.raw, ...p.hourly, ...p.daily].sort((x, y) => x.from.getTime() - y.from.getTime());
        expect(coveredMs(all)).toBe(to - from);
        for (let i = 1; i < all.length; i++) expect(all[i]!.from.getTime()).toBe(all[i - 1]!.to.getTime());
        expect(p.raw.length).toBeLessThanOrEqual(2);
        expect(p.hourly.length).toBeLessThanOrEqual(2);
        for (const r of p.hourly) {
          expect(r.from.getTime() % HOUR_MS).toBe(T0 % HOUR_MS);
          expect(r.to.getTime() % HOUR_MS).toBe(T0 % HOUR_MS);
          expect(r.from.getTime()).toBeGreaterThanOrEqual(T0 + hf);
          expect(r.to.getTime()).toBeLessThanOrEqual(T0 + hu);
        }
        for (const r of p.daily) {
          expect(r.from.getTime() % DAY_MS).toBe(0);
          expect(r.to.getTime() % DAY_MS).toBe(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("earliestPossiblyRolled", () => {
  const hourEnd = T0 + HOUR_MS; // results of hour T0 are rolled from hourEnd + settle on

  it("nothing is late before the hour could have been rolled (one minute of slack)", () => {
    expect(earliestPossiblyRolled([T0 + 5, T0 + 59 * 60_000], hourEnd + ROLLUP_SETTLE_MS - 60_001)).toBeNull();
    expect(earliestPossiblyRolled([T0 + 5, T0 + 59 * 60_000], hourEnd + ROLLUP_SETTLE_MS - 60_000)).toBe(T0 + 5);
    expect(earliestPossiblyRolled([], hourEnd + DAY_MS)).toBeNull();
  });

  it("answers the earliest late time, ignoring times of hours not rolled yet", () => {
    const now = hourEnd + 3 * HOUR_MS + 30_000; // hours T0 .. T0+2h may be rolled, T0+3h not yet
    expect(earliestPossiblyRolled([T0 + 3 * HOUR_MS + 1, T0 + 2 * HOUR_MS + 7, T0 + HOUR_MS + 9], now)).toBe(
      T0 + HOUR_MS + 9,
    );
    expect(earliestPossiblyRolled([T0 + 3 * HOUR_MS + 1], now)).toBeNull();
    // A longer settle time makes fewer hours possibly rolled.
    const justAfter = hourEnd + 2 * HOUR_MS + 90_000;
    expect(earliestPossiblyRolled([T0 + 2 * HOUR_MS + 7], justAfter)).toBe(T0 + 2 * HOUR_MS + 7);
    expect(earliestPossiblyRolled([T0 + 2 * HOUR_MS + 7], justAfter, 10 * 60_000)).toBeNull();
  });
});
