// Bucket arithmetic of the rollups: quantiles from bucket counts (MONITORING.md's known answer),
// bucket indexes (upper bounds inclusive, as Prometheus' `le`), hour alignment.
import { describe, expect, it } from 'vitest';
import { bucketIndex, DAY_MS, hourOf, HOUR_MS, LAG_BUCKETS_S, LATENCY_BUCKETS_MS, quantileFromBuckets } from './buckets';

describe('quantileFromBuckets', () => {
  // Bounds le 0, 0.5, 1 and +Inf; per-bucket counts 6, 5, 3, 5 (cumulative 6, 11, 14, 19).
  const bounds = [0, 0.5, 1];
  const counts = [6, 5, 3, 5];

  it('reproduces the known answer: q = 0.5 → 0.35', () => {
    // rank 9.5 falls in (0, 0.5] holding ranks 6..11: 0 + 0.5 · (9.5 − 6) / 5.
    expect(quantileFromBuckets(counts, bounds, 0.5)).toBeCloseTo(0.35, 12);
  });

  it('a first bound of 0 reads 0 for ranks inside it (its lower edge is 0 too), as histogram_quantile does', () => {
    expect(quantileFromBuckets(counts, bounds, 0.1)).toBe(0);
    expect(quantileFromBuckets(counts, bounds, 6 / 19)).toBe(0);
    expect(quantileFromBuckets(counts, bounds, 0)).toBe(0);
  });

  it('interpolates inside later buckets', () => {
    // rank 12.35 (q = 0.65) in (0.5, 1] holding ranks 11..14: 0.5 + 0.5 · 1.35 / 3.
    expect(quantileFromBuckets(counts, bounds, 0.65)).toBeCloseTo(0.5 + (0.5 * 1.35) / 3, 12);
    // The upper edge of a bucket at its last rank.
    expect(quantileFromBuckets(counts, bounds, 11 / 19)).toBeCloseTo(0.5, 12);
  });

  it('ranks in the overflow bucket read the highest finite bound', () => {
    expect(quantileFromBuckets(counts, bounds, 0.99)).toBe(1);
    expect(quantileFromBuckets(counts, bounds, 1)).toBe(1);
  });

  it('the first bucket of a positive bound starts at 0', () => {
    expect(quantileFromBuckets([4, 0, 0], [2, 4], 0.5)).toBeCloseTo(1, 12);
    expect(quantileFromBuckets([0, 4, 0], [2, 4], 0.25)).toBeCloseTo(2.5, 12);
  });

  it('skips empty buckets and is null without observations', () => {
    expect(quantileFromBuckets([0, 0, 2, 0], bounds, 0.5)).toBeCloseTo(0.75, 12);
    expect(quantileFromBuckets([0, 0, 0, 0], bounds, 0.5)).toBeNull();
    expect(quantileFromBuckets(new Uint32Array([0, 0, 2, 0]), bounds, 0.5)).toBeCloseTo(0.75, 12);
  });
});

describe('bucketIndex', () => {
  it('upper bounds are inclusive; beyond the last is the overflow bucket', () => {
    expect(bucketIndex(0, [0, 0.5, 1])).toBe(0);
    expect(bucketIndex(0.5, [0, 0.5, 1])).toBe(1);
    expect(bucketIndex(0.5000001, [0, 0.5, 1])).toBe(2);
    expect(bucketIndex(1, [0, 0.5, 1])).toBe(2);
    expect(bucketIndex(7, [0, 0.5, 1])).toBe(3);
    expect(bucketIndex(-1, [0, 0.5, 1])).toBe(0);
  });

  it('latency buckets start at 0.1 ms and lag buckets at a minute, both increasing', () => {
    expect(LATENCY_BUCKETS_MS[0]).toBe(0.1);
    expect(bucketIndex(0.05, LATENCY_BUCKETS_MS)).toBe(0);
    expect(bucketIndex(0.3, LATENCY_BUCKETS_MS)).toBe(2);
    expect(LAG_BUCKETS_S[0]).toBe(60);
    expect(bucketIndex(2 * 86_400, LAG_BUCKETS_S)).toBe(LAG_BUCKETS_S.indexOf(3 * 86_400));
    for (const b of [LATENCY_BUCKETS_MS, LAG_BUCKETS_S]) b.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(b[i]));
  });
});

describe('hourOf', () => {
  it('aligns to the UTC hour', () => {
    const t = Date.UTC(2026, 10, 23, 19, 26, 2, 5);
    expect(hourOf(t)).toBe(Date.UTC(2026, 10, 23, 19));
    expect(hourOf(Date.UTC(2026, 10, 23, 19))).toBe(Date.UTC(2026, 10, 23, 19));
    expect(hourOf(Date.UTC(2026, 10, 23, 19) - 1)).toBe(Date.UTC(2026, 10, 23, 18));
    expect(DAY_MS).toBe(24 * HOUR_MS);
  });
});
