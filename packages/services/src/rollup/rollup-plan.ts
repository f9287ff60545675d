/**
 * Which parts of a window come from which source (pure; see migration 20261124230100_rollups).
 *
 * Rollups are authoritative only inside their watermark's coverage [from, until) (cluster-wide, every
 * monitor). A window [from, to) is split into:
 *   raw    [from, H0)          — the partial hour before the first covered whole hour, and anything
 *                                outside coverage (state_intervals / probe_results, exact);
 *   hourly [H0, D0) ∪ [D1, H1) — whole covered UTC hours around the whole covered UTC days;
 *   daily  [D0, D1)            — whole UTC days covered by the daily watermark;
 *   raw    [H1, to)            — the open current hour, the not-yet-rolled tail.
 * The pieces are disjoint and their union is exactly [from, to), so sums over them are exact.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface Coverage {
  from: Date;
  until: Date;
}

export interface Range {
  from: Date;
  to: Date;
}

export interface RollupPlan {
  raw: Range[];
  hourly: Range[];
  daily: Range[];
}

export const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
export const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/** An hour is rolled once it ended this long ago (advanceRollups' default settle time). */
export const ROLLUP_SETTLE_MS = 120_000;
/** Slack for clocks that disagree and a rollup run already under way. */
const LATE_SLACK_MS = 60_000;

/**
 * The earliest of `times` (epoch ms) whose hour the rollup job may already have rolled at `nowMs`, or
 * null when every one is still in an hour the job has not reached. A result or state change there is
 * "late": the rollups that cover it are stale until the hour is rolled again (ADR 0010).
 */
export function earliestPossiblyRolled(
  times: Iterable<number>,
  nowMs: number,
  settleMs: number = ROLLUP_SETTLE_MS,
): number | null {
  let earliest: number | null = null;
  for (const t of times) {
    if (floorTo(t, HOUR_MS) + HOUR_MS + settleMs - LATE_SLACK_MS <= nowMs && (earliest === null || t < earliest)) {
      earliest = t;
    }
  }
  return earliest;
}

const range = (from: number, to: number): Range[] => (to > from ? [{ from: new Date(from), to: new Date(to) }] : []);

export function planRollupWindow(
  window: { from: Date; to: Date },
  coverage: { hourly: Coverage | null; daily: Coverage | null },
): RollupPlan {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (!(to > from)) return { raw: [], hourly: [], daily: [] };
  const h = coverage.hourly;
  if (!h) return { raw: range(from, to), hourly: [], daily: [] };
  const h0 = ceilTo(Math.max(from, h.from.getTime()), HOUR_MS);
  const h1 = floorTo(Math.min(to, h.until.getTime()), HOUR_MS);
  if (!(h1 > h0)) return { raw: range(from, to), hourly: [], daily: [] };
  const raw = [...range(from, h0), ...range(h1, to)];
  const d = coverage.daily;
  if (d) {
    const d0 = ceilTo(Math.max(h0, d.from.getTime()), DAY_MS);
    const d1 = floorTo(Math.min(h1, d.until.getTime()), DAY_MS);
    if (d1 > d0) return { raw, hourly: [...range(h0, d0), ...range(d1, h1)], daily: range(d0, d1) };
  }
  return { raw, hourly: range(h0, h1), daily: [] };
}

/** Exactly two ranges (empty ones as [epoch, epoch)) so SQL can take fixed parameters. */
export function twoRanges(ranges: readonly Range[]): [Range, Range] {
  if (ranges.length > 2) throw new Error(`expected at most 2 ranges, got ${ranges.length}`);
  const empty = { from: new Date(0), to: new Date(0) };
  return [ranges[0] ?? empty, ranges[1] ?? empty];
}
