/**
 * Exact uptime from state intervals (architecture.md "Time series and exact uptime").
 *
 * Policy (v1, documented here and in the UI's tooltip):
 * - UP and DEGRADED count as up; DOWN counts as down.
 * - MAINTENANCE is excluded from the denominator (neither up nor down).
 * - UNKNOWN (the probing itself failed) is excluded from the denominator and reported separately, so it
 *   is never counted as up or down by accident.
 * - Time in the window not covered by any interval is "no data": excluded and reported separately.
 * - uptimePercent = 100 × up / (up + down); null when up + down = 0 (no data to judge by).
 *
 * Computation: each interval [startedAt, endedAt ?? now) is intersected with the window [from, to); the
 * result is O(intervals), exact to the millisecond (figures are in seconds, possibly fractional).
 * Intervals of a monitor never overlap (DB exclusion constraint); if a caller passes overlapping ones
 * anyway, each instant is counted once, for the interval with the earliest start.
 */
export const UPTIME_STATES = ["UP", "DEGRADED", "DOWN", "UNKNOWN", "MAINTENANCE"] as const;
export type UptimeState = (typeof UPTIME_STATES)[number];

export type TimeLike = Date | number;

export interface StateSpan {
  state: UptimeState;
  startedAt: TimeLike;
  /** null while the interval is current: it then ends at `now`. */
  endedAt: TimeLike | null;
}

export interface UptimeWindow {
  from: TimeLike;
  to: TimeLike;
}

export type SecondsByState = Record<UptimeState, number>;

export interface UptimeBreakdown {
  /** Seconds spent in each state inside the window. */
  seconds: SecondsByState;
  windowSeconds: number;
  /** Seconds covered by some interval (= sum of `seconds`). */
  coveredSeconds: number;
  /** Window seconds not covered by any interval. */
  noDataSeconds: number;
  upSeconds: number;
  downSeconds: number;
  /** Excluded from the denominator, reported separately. */
  unknownSeconds: number;
  maintenanceSeconds: number;
  /** 100 × up / (up + down), or null when up + down = 0. */
  uptimePercent: number | null;
}

const ms = (t: TimeLike): number => (typeof t === "number" ? t : t.getTime());

export function emptySeconds(): SecondsByState {
  return { UP: 0, DEGRADED: 0, DOWN: 0, UNKNOWN: 0, MAINTENANCE: 0 };
}

/**
 * Seconds per state of `intervals` within `window`. Open intervals end at `now` (default: the window's
 * end); nothing is counted after `now`.
 */
export function secondsByState(
  intervals: readonly StateSpan[],
  window: UptimeWindow,
  now: TimeLike = window.to,
): SecondsByState {
  const from = ms(window.from);
  const to = Math.min(ms(window.to), ms(now));
  const out = emptySeconds();
  if (!(to > from)) return out;
  const sorted = intervals
    .map((iv, i) => ({ state: iv.state, s: ms(iv.startedAt), e: iv.endedAt === null ? ms(now) : ms(iv.endedAt), i }))
    .sort((a, b) => a.s - b.s || a.i - b.i);
  let cursor = from; // everything before `cursor` is already attributed
  for (const iv of sorted) {
    const s = Math.max(iv.s, cursor);
    const e = Math.min(iv.e, to);
    if (e > s) {
      out[iv.state] += (e - s) / 1000;
      cursor = e;
    }
  }
  return out;
}

/** Uptime figures from seconds per state (e.g. summed in SQL) and the window length. */
export function uptimeFromSeconds(seconds: SecondsByState, windowSeconds: number): UptimeBreakdown {
  const upSeconds = seconds.UP + seconds.DEGRADED;
  const downSeconds = seconds.DOWN;
  const coveredSeconds = UPTIME_STATES.reduce((sum, s) => sum + seconds[s], 0);
  const denominator = upSeconds + downSeconds;
  return {
    seconds,
    windowSeconds,
    coveredSeconds,
    noDataSeconds: Math.max(0, windowSeconds - coveredSeconds),
    upSeconds,
    downSeconds,
    unknownSeconds: seconds.UNKNOWN,
    maintenanceSeconds: seconds.MAINTENANCE,
    uptimePercent: denominator > 0 ? (100 * upSeconds) / denominator : null,
  };
}

/** Full breakdown for a window. `windowSeconds` counts only up to `now`. */
export function computeUptime(
  intervals: readonly StateSpan[],
  window: UptimeWindow,
  now: TimeLike = window.to,
): UptimeBreakdown {
  const from = ms(window.from);
  const to = Math.min(ms(window.to), ms(now));
  const windowSeconds = Math.max(0, to - from) / 1000;
  return uptimeFromSeconds(secondsByState(intervals, window, now), windowSeconds);
}

/** Just the percentage (null when there is no up/down data in the window). */
export function uptimePercent(
  intervals: readonly StateSpan[],
  window: UptimeWindow,
  now: TimeLike = window.to,
): number | null {
  return computeUptime(intervals, window, now).uptimePercent;
}
