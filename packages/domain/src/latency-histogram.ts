/**
 * Mergeable latency histograms (architecture.md "Time series and exact uptime"; issue 3 item 4).
 *
 * Layout (a STORAGE FORMAT: rollup rows hold these arrays, so the bounds below must never change —
 * a new layout needs a new column):
 * - 64 buckets over integer milliseconds. Bucket 0 holds 0 ms (and anything below 1 ms); bucket k
 *   (1 ≤ k ≤ 62) holds [LOWER_BOUNDS[k], LOWER_BOUNDS[k + 1]); bucket 63 holds ≥ 63,398 ms (overflow).
 * - The bounds grow by ≈ ×1.178 per bucket (integer steps of 1 ms up to 9 ms, so small latencies are
 *   exact), covering 1 ms … 63.4 s. The widest finite bucket spans (hi − 1 − lo) / lo ≤ 17.8 % of its
 *   lower bound.
 * - The same bounds are used in SQL: `width_bucket(latency_ms, LATENCY_THRESHOLDS)` returns exactly
 *   `latencyBucketOf(latency_ms)` for integer milliseconds (thresholds = the 63 lower bounds from 1 ms).
 *
 * Merging histograms of any periods is element-wise addition (associative, commutative, with the
 * empty histogram as identity), so hourly rows sum into days and days into any window.
 *
 * Percentiles use the nearest-rank definition: p-th percentile of n samples = the sample of rank
 * ceil(p/100 · n) (rank 1 for p = 0) in ascending order. From a histogram, the bucket holding that rank
 * is found exactly; the estimate is the midpoint of the bucket's integer range [lo, hi − 1], clamped to
 * the window's observed [min, max] when known. Hence (documented bound, checked by the property tests):
 *   - the estimate lies in the same bucket as the exact percentile of the raw samples;
 *   - |estimate − exact| ≤ (hi − 1 − lo) / 2, i.e. ≤ LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR (8.9 %) of the
 *     exact value for finite buckets; exact up to 8 ms; in the overflow bucket (≥ 63.4 s) the estimate
 *     is the midpoint of [63,398, max].
 */

export const LATENCY_BUCKET_COUNT = 64;

/** Lower bound (ms, inclusive) of each bucket; bucket 0 starts at 0 (values < 1 ms clamp to it). */
export const LATENCY_BUCKET_LOWER_BOUNDS: readonly number[] = Object.freeze([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15, 18, 21, 25, 29, 34, 40, 47, 55, 65, 77, 91, 107, 126, 148, 174, 205, 241,
  284, 335, 395, 465, 548, 646, 761, 896, 1055, 1243, 1464, 1725, 2032, 2394, 2820, 3322, 3913, 4610, 5431, 6398, 7537,
  8879, 10459, 12321, 14514, 17097, 20140, 23725, 27948, 32923, 38783, 45686, 53818, 63398,
]);

/** The 63 thresholds for Postgres `width_bucket(operand, thresholds int[])` (returns the bucket index). */
export const LATENCY_THRESHOLDS: readonly number[] = Object.freeze(LATENCY_BUCKET_LOWER_BOUNDS.slice(1));

/** Upper bound of the relative error of a histogram percentile for a finite bucket (see above). */
export const LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR = 0.089;

/** Counts per bucket (length LATENCY_BUCKET_COUNT). */
export type LatencyHistogram = number[];

export function emptyHistogram(): LatencyHistogram {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Bucket index of a latency in ms (same answer as SQL width_bucket for integers). */
export function latencyBucketOf(ms: number): number {
  const b = LATENCY_BUCKET_LOWER_BOUNDS;
  if (!(ms >= 1)) return 0;
  let lo = 1;
  let hi = LATENCY_BUCKET_COUNT - 1;
  // largest k with b[k] <= ms
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((b[mid] as number) <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Integer range [lo, hi] (inclusive) of bucket k; hi is Infinity for the overflow bucket. */
export function latencyBucketRange(k: number): { lo: number; hi: number } {
  const lo = LATENCY_BUCKET_LOWER_BOUNDS[k];
  if (lo === undefined) throw new RangeError(`bucket ${k} out of range`);
  const next = LATENCY_BUCKET_LOWER_BOUNDS[k + 1];
  return { lo, hi: next === undefined ? Number.POSITIVE_INFINITY : next - 1 };
}

export function histogramOf(values: Iterable<number>): LatencyHistogram {
  const h = emptyHistogram();
  for (const v of values) if (Number.isFinite(v)) h[latencyBucketOf(v)]! += 1;
  return h;
}

/** Element-wise sum; shorter (or missing) arrays count as zeros. Always returns a fresh full-length array. */
export function mergeHistograms(...hs: ReadonlyArray<readonly number[] | null | undefined>): LatencyHistogram {
  const out = emptyHistogram();
  for (const h of hs) {
    if (!h) continue;
    for (let i = 0; i < LATENCY_BUCKET_COUNT && i < h.length; i++) out[i]! += h[i] ?? 0;
  }
  return out;
}

export function histogramCount(h: readonly number[]): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

/** Nearest rank (1-based) of the p-th percentile among n samples. */
export function percentileRank(p: number, n: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
}

/** Exact nearest-rank percentile of raw samples (null when empty). */
export function exactPercentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[percentileRank(p, sorted.length) - 1] ?? null;
}

/**
 * The p-th percentile (nearest rank) estimated from a histogram: the midpoint of the bucket holding that
 * rank, clamped to [min, max] when given. null when the histogram is empty.
 */
export function histogramPercentile(
  h: readonly number[],
  p: number,
  bounds: { min?: number | null; max?: number | null } = {},
): number | null {
  const n = histogramCount(h);
  if (n === 0) return null;
  const rank = percentileRank(p, n);
  let cum = 0;
  let k = 0;
  for (; k < LATENCY_BUCKET_COUNT; k++) {
    cum += h[k] ?? 0;
    if (cum >= rank) break;
  }
  const { lo, hi } = latencyBucketRange(Math.min(k, LATENCY_BUCKET_COUNT - 1));
  const max = bounds.max ?? null;
  const min = bounds.min ?? null;
  const top = Number.isFinite(hi) ? hi : (max ?? lo);
  let est = (lo + Math.max(lo, top)) / 2;
  if (max !== null && est > max) est = max;
  if (min !== null && est < min) est = min;
  return est;
}

/** A mergeable latency summary: histogram + exact count / sum / min / max. */
export interface LatencySummary {
  hist: LatencyHistogram;
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}

export function emptyLatencySummary(): LatencySummary {
  return { hist: emptyHistogram(), count: 0, sum: 0, min: null, max: null };
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const s = emptyLatencySummary();
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    s.hist[latencyBucketOf(v)]! += 1;
    s.count += 1;
    s.sum += v;
    s.min = s.min === null ? v : Math.min(s.min, v);
    s.max = s.max === null ? v : Math.max(s.max, v);
  }
  return s;
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export function mergeLatencySummaries(...ss: ReadonlyArray<LatencySummary | null | undefined>): LatencySummary {
  const out = emptyLatencySummary();
  for (const s of ss) {
    if (!s) continue;
    out.hist = mergeHistograms(out.hist, s.hist);
    out.count += s.count;
    out.sum += s.sum;
    out.min = minOf(out.min, s.min);
    out.max = maxOf(out.max, s.max);
  }
  return out;
}

export interface LatencyPercentiles {
  count: number;
  /** Exact (sum / count). */
  avg: number | null;
  /** Exact. */
  min: number | null;
  /** Exact. */
  max: number | null;
  /** Histogram estimates (see the error bound above). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export function latencyPercentiles(s: LatencySummary): LatencyPercentiles {
  const b = { min: s.min, max: s.max };
  return {
    count: s.count,
    avg: s.count > 0 ? s.sum / s.count : null,
    min: s.min,
    max: s.max,
    p50: histogramPercentile(s.hist, 50, b),
    p95: histogramPercentile(s.hist, 95, b),
    p99: histogramPercentile(s.hist, 99, b),
  };
}
