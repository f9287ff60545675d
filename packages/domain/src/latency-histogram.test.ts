import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  emptyHistogram,
  exactPercentile,
  histogramCount,
  histogramOf,
  histogramPercentile,
  LATENCY_BUCKET_COUNT,
  LATENCY_BUCKET_LOWER_BOUNDS,
  LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR,
  LATENCY_THRESHOLDS,
  latencyBucketOf,
  latencyBucketRange,
  latencyPercentiles,
  mergeHistograms,
  mergeLatencySummaries,
  summarizeLatencies,
} from "./latency-histogram.ts";

const latency = fc.oneof(
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 2_000 }),
  fc.integer({ min: 0, max: 70_000 }),
);
const samples = fc.array(latency, { minLength: 1, maxLength: 300 });
const hist = samples.map((v) => histogramOf(v));

describe("latency histogram layout", () => {
  it("64 strictly increasing integer bounds, 1 ms … 63.4 s, ≤ 17.8 % wide", () => {
    expect(LATENCY_BUCKET_LOWER_BOUNDS).toHaveLength(LATENCY_BUCKET_COUNT);
    expect(LATENCY_BUCKET_COUNT).toBeLessThanOrEqual(64);
    expect(LATENCY_THRESHOLDS).toHaveLength(63);
    for (let k = 1; k < LATENCY_BUCKET_COUNT; k++) {
      const b = LATENCY_BUCKET_LOWER_BOUNDS[k]!;
      expect(Number.isInteger(b)).toBe(true);
      expect(b).toBeGreaterThan(LATENCY_BUCKET_LOWER_BOUNDS[k - 1]!);
    }
    expect(LATENCY_BUCKET_LOWER_BOUNDS.at(-1)).toBeGreaterThanOrEqual(60_000);
    let worst = 0;
    for (let k = 1; k < LATENCY_BUCKET_COUNT - 1; k++) {
      const { lo, hi } = latencyBucketRange(k);
      worst = Math.max(worst, (hi - lo) / 2 / lo);
    }
    expect(worst).toBeLessThanOrEqual(LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
  });

  it("bucketOf matches width_bucket semantics (largest threshold ≤ value)", () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(-5)).toBe(0);
    expect(latencyBucketOf(1)).toBe(1);
    expect(latencyBucketOf(10)).toBe(9);
    expect(latencyBucketOf(11)).toBe(10);
    expect(latencyBucketOf(1_000_000)).toBe(63);
    fc.assert(
      fc.property(latency, (v) => {
        let expected = 0;
        for (let i = 0; i < LATENCY_THRESHOLDS.length; i++) if (LATENCY_THRESHOLDS[i]! <= v) expected = i + 1;
        expect(latencyBucketOf(v)).toBe(expected);
        const { lo, hi } = latencyBucketRange(expected);
        expect(v >= lo && v <= hi).toBe(true);
      }),
    );
  });
});

describe("merge", () => {
  it("is associative and commutative with the empty histogram as identity", () => {
    fc.assert(
      fc.property(hist, hist, hist, (a, b, c) => {
        expect(mergeHistograms(a, mergeHistograms(b, c))).toEqual(mergeHistograms(mergeHistograms(a, b), c));
        expect(mergeHistograms(a, b)).toEqual(mergeHistograms(b, a));
        expect(mergeHistograms(a, emptyHistogram())).toEqual(a);
      }),
    );
  });

  it("the histogram of a concatenation is the merge of the histograms (any split of periods)", () => {
    fc.assert(
      fc.property(samples, samples, (a, b) => {
        expect(histogramOf([...a, ...b])).toEqual(mergeHistograms(histogramOf(a), histogramOf(b)));
        const merged = mergeLatencySummaries(summarizeLatencies(a), summarizeLatencies(b));
        expect(merged).toEqual(summarizeLatencies([...a, ...b]));
      }),
    );
  });

  it("treats short or missing arrays as zeros", () => {
    expect(histogramCount(mergeHistograms([1, 2], null, undefined, [0, 0, 3]))).toBe(6);
    expect(mergeHistograms([1, 2])).toHaveLength(LATENCY_BUCKET_COUNT);
  });
});

describe("percentile", () => {
  it("nearest rank on raw samples", () => {
    expect(exactPercentile([], 50)).toBeNull();
    expect(exactPercentile([5, 1, 3], 0)).toBe(1);
    expect(exactPercentile([5, 1, 3], 50)).toBe(3);
    expect(exactPercentile([5, 1, 3], 100)).toBe(5);
    expect(histogramPercentile(emptyHistogram(), 50)).toBeNull();
  });

  it("lies in the bucket of the exact percentile, within the documented error", () => {
    fc.assert(
      fc.property(samples, fc.integer({ min: 0, max: 100 }), (values, p) => {
        const s = summarizeLatencies(values);
        const exact = exactPercentile(values, p)!;
        const est = histogramPercentile(s.hist, p, { min: s.min, max: s.max })!;
        const k = latencyBucketOf(exact);
        const { lo, hi } = latencyBucketRange(k);
        expect(est).toBeGreaterThanOrEqual(lo);
        expect(est).toBeLessThanOrEqual(Number.isFinite(hi) ? hi : s.max!);
        if (Number.isFinite(hi)) {
          expect(Math.abs(est - exact)).toBeLessThanOrEqual((hi - lo) / 2);
          if (exact > 0)
            expect(Math.abs(est - exact) / exact).toBeLessThanOrEqual(LATENCY_HISTOGRAM_MAX_RELATIVE_ERROR);
        }
        // Estimates stay within what was observed.
        expect(est).toBeGreaterThanOrEqual(s.min!);
        expect(est).toBeLessThanOrEqual(s.max!);
      }),
      { numRuns: 300 },
    );
  });

  it("is exact up to 8 ms and for a single sample", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 100 }),
        (v, p) => {
          expect(histogramPercentile(histogramOf(v), p)).toBe(exactPercentile(v, p));
        },
      ),
    );
    const one = summarizeLatencies([1234]);
    expect(latencyPercentiles(one)).toEqual({
      count: 1,
      avg: 1234,
      min: 1234,
      max: 1234,
      p50: 1234,
      p95: 1234,
      p99: 1234,
    });
  });
});
