// Shared bucket definitions of the rollups (latency and label lag), and time alignment.
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Latency bucket upper bounds in ms, from 0.1 ms (sub-millisecond models); one overflow bucket after. */
export const LATENCY_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];
/** Label lag bucket upper bounds in seconds: a minute to a quarter; one overflow bucket after. */
export const LAG_BUCKETS_S = [60, 600, 3600, 6 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 90 * 86400];

export const hourOf = (ts: number) => Math.floor(ts / HOUR_MS) * HOUR_MS;

export function bucketIndex(v: number, bounds: number[]): number {
  for (let i = 0; i < bounds.length; i++) if (v <= bounds[i]) return i;
  return bounds.length;
}

/**
 * A quantile from bucket counts by linear interpolation inside the bucket (lower bound of the first
 * bucket is 0), as Prometheus' histogram_quantile does. Known: cumulative le 0: 6, 0.5: 11, 1: 14,
 * +Inf: 19 at q = 0.5 → 0.35 (lib/metrics/README.md).
 */
export function quantileFromBuckets(counts: ArrayLike<number>, bounds: number[], q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = q * total;
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    const prev = cum;
    cum += counts[i];
    if (cum >= rank && counts[i] > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lo = i === 0 ? 0 : bounds[i - 1];
      return lo + (bounds[i] - lo) * ((rank - prev) / counts[i]);
    }
  }
  return bounds[bounds.length - 1];
}
