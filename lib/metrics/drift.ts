// Drift statistics on raw samples and share vectors, as Evidently defines them (scipy semantics),
// plus PSI on reference-decile bins: used for tests, reference baselines and the method choice.
import { chi2Quantile, chi2Sf, normalCdf } from './intervals';
import { assertSameLength, sum } from './vectors';

export { KS_EXACT_MAX_N, ksTest } from './ks';

export interface TestResult {
  statistic: number;
  p_value: number;
}

/** An empty sample is no evidence of drift: tests on one answer statistic 0, p-value 1. */
const NO_EVIDENCE: TestResult = { statistic: 0, p_value: 1 };

/**
 * Evidently's χ² drift test: expected counts = reference shares × current total, over the
 * categories seen on either side (categories absent from both are dropped), df = categories − 1.
 * A category the reference never had gets expected 0, so χ² = ∞ and p = 0, as with scipy.
 */
export function chiSquareTest(refCounts: number[], curCounts: number[]): TestResult {
  assertSameLength(refCounts, curCounts);
  const refTotal = sum(refCounts);
  const curTotal = sum(curCounts);
  if (refTotal === 0 || curTotal === 0) return NO_EVIDENCE;
  let statistic = 0;
  let categories = 0;
  for (let i = 0; i < refCounts.length; i++) {
    if (refCounts[i] === 0 && curCounts[i] === 0) continue;
    categories++;
    const expected = (refCounts[i] / refTotal) * curTotal;
    statistic += expected === 0 ? Infinity : (curCounts[i] - expected) ** 2 / expected;
  }
  if (categories < 2) return NO_EVIDENCE;
  return { statistic, p_value: chi2Sf(statistic, categories - 1) };
}

/**
 * Two-proportion z-test with pooled variance (Evidently's proportions_diff_z_stat_ind):
 * z = (p_ref − p_cur) / √(P(1 − P)(1/n_ref + 1/n_cur)), two-sided p = 2Φ(−|z|). When every row on
 * both sides has the same value the variance is 0 and there is nothing to test: z 0, p 1.
 */
export function zTestProportions(refOnes: number, refN: number, curOnes: number, curN: number): TestResult {
  if (refN === 0 || curN === 0) return NO_EVIDENCE;
  const pooled = (refOnes + curOnes) / (refN + curN);
  const variance = pooled * (1 - pooled) * (1 / refN + 1 / curN);
  if (variance <= 0) return NO_EVIDENCE;
  const statistic = (refOnes / refN - curOnes / curN) / Math.sqrt(variance);
  return { statistic, p_value: 2 * normalCdf(-Math.abs(statistic)) };
}

// The distances below take two aligned vectors of shares or counts; each side is normalized to
// sum 1 first (as scipy's jensenshannon and entropy do). A side that sums to 0 gives distance 0.

/** Jensen–Shannon distance, natural log (scipy.spatial.distance.jensenshannon); in [0, √ln 2]. */
export function jensenShannonDistance(p: number[], q: number[]): number {
  const pair = normalizedPair(p, q);
  if (!pair) return 0;
  let divergence = 0;
  pair[0].forEach((pi, i) => {
    const qi = pair[1][i];
    const mi = (pi + qi) / 2;
    divergence += (relEntr(pi, mi) + relEntr(qi, mi)) / 2;
  });
  return Math.sqrt(Math.max(0, divergence));
}

/** KL(p ‖ q) = Σ p ln(p/q), natural log, p the reference; shares floored like psi's. */
export function klDivergence(p: number[], q: number[], floor = 1e-4): number {
  const pair = normalizedPair(p, q);
  if (!pair) return 0;
  return pair[0].reduce((s, pi, i) => {
    const a = Math.max(pi, floor);
    return s + a * Math.log(a / Math.max(pair[1][i], floor));
  }, 0);
}

/** L∞ distance: the largest difference in any one share. */
export function linfDistance(p: number[], q: number[]): number {
  const pair = normalizedPair(p, q);
  if (!pair) return 0;
  return pair[0].reduce((s, pi, i) => Math.max(s, Math.abs(pi - pair[1][i])), 0);
}

/** Hellinger distance √(½ Σ (√p − √q)²) (Evidently's form); in [0, 1]. */
export function hellingerDistance(p: number[], q: number[]): number {
  const pair = normalizedPair(p, q);
  if (!pair) return 0;
  const s = pair[0].reduce((acc, pi, i) => acc + (Math.sqrt(pi) - Math.sqrt(pair[1][i])) ** 2, 0);
  return Math.sqrt(s / 2);
}

/**
 * Population stability index Σ (cur − ref) ln(cur/ref) over aligned bins or categories (the
 * union of both sides' categories, zeros included). Shares are floored at `floor` (1e-4, as
 * Evidently does) so an empty bin costs a large but finite amount, and are not renormalized
 * after flooring. Evidently replaces only exact zeros by the floor; we take max(share, floor),
 * which differs only for shares below 1e-4 and keeps PSI monotone in them.
 */
export function psi(refShares: number[], curShares: number[], floor = 1e-4): number {
  const pair = normalizedPair(refShares, curShares);
  if (!pair) return 0;
  return pair[0].reduce((s, r, i) => {
    const a = Math.max(r, floor);
    const b = Math.max(pair[1][i], floor);
    return s + (b - a) * Math.log(b / a);
  }, 0);
}

/**
 * PSI's critical value calibrated to the sample sizes: under H0, N·M/(N+M)·PSI is approximately
 * χ²(B − 1), so PSI_crit = χ²(1 − α; B − 1)·(1/N + 1/M) (see MONITORING.md). Infinity when either
 * side is empty (nothing can be judged), 0 for a single bin.
 */
export function psiCritical(bins: number, n: number, m: number, alpha = 0.01): number {
  if (n <= 0 || m <= 0) return Infinity;
  if (bins < 2) return 0;
  return chi2Quantile(1 - alpha, bins - 1) * (1 / n + 1 / m);
}

/**
 * Inner edges of `bins` quantile bins of the reference: the k/bins quantiles, k = 1..bins − 1,
 * numpy's default ('linear') method; equal edges (repeated values) are collapsed so the edges are
 * strictly increasing and fewer bins result. Empty reference: no edges (one bin).
 */
export function quantileEdges(ref: number[], bins: number): number[] {
  if (ref.length === 0) return [];
  const sorted = [...ref].sort((x, y) => x - y);
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const h = (sorted.length - 1) * (k / bins); // numpy's virtual index, rounded as numpy rounds it
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    const t = h - lo;
    const [a, b] = [sorted[lo], sorted[hi]];
    const edge = t < 0.5 ? a + t * (b - a) : b - (b - a) * (1 - t); // numpy's _lerp, to the last bit
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** The 9 inner edges of the reference's deciles (fewer when repeated values collapse them). */
export function decileEdges(ref: number[]): number[] {
  return quantileEdges(ref, 10);
}

/**
 * Counts per bin for strictly increasing inner edges e₀ < … < e_{k−1}: k + 1 bins with open outer
 * edges, right-closed: bin 0 = (−∞, e₀], bin i = (e_{i−1}, e_i], bin k = (e_{k−1}, ∞). Right-closed
 * matches quantile edges: an edge at a repeated value keeps that value's whole mass in one bin.
 */
export function binCounts(values: number[], innerEdges: number[]): number[] {
  const counts = new Array<number>(innerEdges.length + 1).fill(0);
  for (const v of values) {
    let lo = 0; // first edge ≥ v, by binary search
    let hi = innerEdges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (innerEdges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

export const WASSERSTEIN_STD_FLOOR = 0.001;

/**
 * Wasserstein-1 distance between the samples (scipy's wasserstein_distance: ∫|F_ref − F_cur|)
 * divided by the reference's standard deviation (ddof 0), floored at 0.001 so constant features
 * do not divide by zero (Evidently's wasserstein normed). Either sample empty: 0.
 */
export function wassersteinNormed(ref: number[], cur: number[]): number {
  if (ref.length === 0 || cur.length === 0) return 0;
  return wasserstein1(ref, cur) / Math.max(stdDev(ref), WASSERSTEIN_STD_FLOOR);
}

function wasserstein1(u: number[], v: number[]): number {
  const a = [...u].sort((x, y) => x - y);
  const b = [...v].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(a[0], b[0]);
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    total += Math.abs(i / a.length - j / b.length) * (x - prev);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    prev = x;
  }
  return total;
}

/** Population standard deviation (ddof 0), two-pass. */
export function stdDev(values: number[]): number {
  if (values.length === 0) return 0;
  const mean = sum(values) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

export type DriftMethod = 'ks' | 'chisquare' | 'ztest' | 'jensenshannon' | 'wasserstein';

/** Evidently's default per column (MONITORING.md): `distinct` counts reference ∪ current values. */
export function chooseDriftMethod(kind: 'numeric' | 'categorical', nRef: number, distinct: number): DriftMethod {
  if (nRef > 1000) return kind === 'numeric' && distinct > 5 ? 'wasserstein' : 'jensenshannon';
  if (distinct <= 2) return 'ztest';
  if (kind === 'categorical' || distinct <= 5) return 'chisquare';
  return 'ks';
}

/** KS drifts at p ≤ 0.05, χ² and Z at p < 0.05, JS and normed Wasserstein at distance ≥ 0.1. */
export function isDrift(method: DriftMethod, value: number): boolean {
  switch (method) {
    case 'ks':
      return value <= 0.05;
    case 'chisquare':
    case 'ztest':
      return value < 0.05;
    case 'jensenshannon':
    case 'wasserstein':
      return value >= 0.1;
  }
}

/** Aligns two categorical value counts on the sorted union of their categories (zeros filled). */
export function alignCategoryCounts(ref: Record<string, number>, cur: Record<string, number>): { categories: string[]; ref: number[]; cur: number[] } {
  const categories = [...new Set([...Object.keys(ref), ...Object.keys(cur)])].sort();
  return { categories, ref: categories.map((c) => ref[c] ?? 0), cur: categories.map((c) => cur[c] ?? 0) };
}

function relEntr(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

function normalizedPair(p: number[], q: number[]): [number[], number[]] | null {
  assertSameLength(p, q);
  const sp = sum(p);
  const sq = sum(q);
  if (sp <= 0 || sq <= 0) return null;
  return [p.map((v) => v / sp), q.map((v) => v / sq)];
}
