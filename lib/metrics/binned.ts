// Drift statistics from rollup histograms (counts per reference bin, as stored at registration and
// summed per window), for the monitoring API, which never reads raw feature values back.
import { kolmogorovSf } from './intervals';
import { WASSERSTEIN_STD_FLOOR, type TestResult } from './drift';
import { assertSameLength, sum } from './vectors';

/**
 * KS from two histograms on the same bins: D = max |F_ref − F_cur| at the bin edges, p-value from
 * the Kolmogorov limit at √(nm/(n+m))·D (asymptotic; ties in binned data void the exact test).
 * The CDFs are exact at the edges but unseen between them, so D is a lower bound on the raw
 * samples' D and the p-value an upper bound: finer bins only make drift easier to see. Either
 * side empty: statistic 0, p-value 1.
 */
export function ksFromCounts(refCounts: number[], curCounts: number[]): TestResult {
  assertSameLength(refCounts, curCounts);
  const n = sum(refCounts);
  const m = sum(curCounts);
  if (n === 0 || m === 0) return { statistic: 0, p_value: 1 };
  let cumRef = 0;
  let cumCur = 0;
  let maxDiff = 0; // |F_ref − F_cur| · n·m, exact for integer counts
  for (let i = 0; i < refCounts.length; i++) {
    cumRef += refCounts[i];
    cumCur += curCounts[i];
    maxDiff = Math.max(maxDiff, Math.abs(cumRef * m - cumCur * n));
  }
  const statistic = maxDiff / (n * m);
  return { statistic, p_value: kolmogorovSf(Math.sqrt((n * m) / (n + m)) * statistic) };
}

/**
 * Wasserstein-1 between two histograms on the bins of `innerEdges` (see binCounts: right-closed,
 * open outer edges), each bin's mass placed at its midpoint, divided by max(refStd, 0.001) like
 * wassersteinNormed. The open outer bins are closed by the reference's `min` and `max`, so they
 * are represented by (min + e₀)/2 and (e_last + max)/2. Placing their mass at min and max instead
 * overstates the tails: on 100 quantile bins of 2000 normal rows that reads 0.315 for a raw 0.286,
 * midpoints 0.284. What a histogram cannot show, this cannot either: distances within a bin, how
 * far current values lie beyond the reference's range (they count as if in its outer bins; for a
 * constant reference both bins shrink to the constant and W is 0, while KS and PSI on the same
 * counts see the move), and, for discrete values sitting on the edges, the half-bin offset between
 * the bottom bin (at its value) and the others (at their midpoints).
 */
export function wassersteinFromCounts(
  innerEdges: number[],
  refCounts: number[],
  curCounts: number[],
  refStd: number,
  range: { min: number; max: number },
): number {
  assertSameLength(refCounts, curCounts);
  if (refCounts.length !== innerEdges.length + 1) {
    throw new RangeError(`${innerEdges.length} inner edges make ${innerEdges.length + 1} bins, not ${refCounts.length}`);
  }
  const n = sum(refCounts);
  const m = sum(curCounts);
  if (n === 0 || m === 0 || innerEdges.length === 0) return 0;
  const last = innerEdges.length;
  const lower = (i: number) => (i === 0 ? Math.min(range.min, innerEdges[0]) : innerEdges[i - 1]);
  const upper = (i: number) => (i === last ? Math.max(range.max, innerEdges[last - 1]) : innerEdges[i]);
  const point = (i: number) => (lower(i) + upper(i)) / 2;
  let cumRef = 0;
  let cumCur = 0;
  let w1 = 0;
  for (let i = 0; i < last; i++) {
    cumRef += refCounts[i];
    cumCur += curCounts[i];
    w1 += Math.abs(cumRef / n - cumCur / m) * (point(i + 1) - point(i));
  }
  return w1 / Math.max(refStd, WASSERSTEIN_STD_FLOOR);
}

/** Counts as shares of their total; all zeros for an empty histogram. */
export function sharesFromCounts(counts: number[]): number[] {
  const total = sum(counts);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** Bin-wise sum of two histograms on the same bins (windows → a longer window). */
export function mergeCounts(a: number[], b: number[]): number[] {
  assertSameLength(a, b);
  return a.map((v, i) => v + b[i]);
}
