// Two-sample Kolmogorov–Smirnov test on raw samples, with scipy's exact p-value for small samples.
import type { TestResult } from './drift';
import { kolmogorovSf } from './intervals';

/** Up to this many rows on each side the KS p-value is exact, as in scipy's ks_2samp('auto'). */
export const KS_EXACT_MAX_N = 10_000;

/**
 * Two-sample two-sided Kolmogorov–Smirnov test. D = sup |F_ref − F_cur| over all values (ties
 * resolved as scipy's searchsorted side='right'). The p-value is exact when both samples have at
 * most KS_EXACT_MAX_N rows (the rule of scipy's current method='auto'; old scipy used n·m < 10 000),
 * else asymptotic: the Kolmogorov limit at √(nm/(n+m))·D. scipy's asymptotic branch uses the
 * finite-n Kolmogorov distribution at round(nm/(n+m)) instead; the two differ by O(1/√n).
 */
export function ksTest(ref: number[], cur: number[]): TestResult {
  const n = ref.length;
  const m = cur.length;
  if (n === 0 || m === 0) return { statistic: 0, p_value: 1 }; // no evidence of drift
  const a = [...ref].sort((x, y) => x - y);
  const b = [...cur].sort((x, y) => x - y);
  // |F_ref − F_cur| · n·m = |i·m − j·n| with i, j the counts ≤ v: kept as an exact integer.
  let maxDiff = 0;
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const v = Math.min(a[i], b[j]);
    while (i < n && a[i] === v) i++;
    while (j < m && b[j] === v) j++;
    maxDiff = Math.max(maxDiff, Math.abs(i * m - j * n));
  }
  const statistic = maxDiff / (n * m);
  const p_value = Math.max(n, m) <= KS_EXACT_MAX_N ? ksExactSf(n, m, maxDiff) : kolmogorovSf(Math.sqrt((n * m) / (n + m)) * statistic);
  return { statistic, p_value };
}

/**
 * P(D ≥ d) under H0 for samples of n and m continuous values, d = threshold/(n·m): the share of
 * the C(n+m, n) equally likely merge orders whose lattice path (i refs, j curs taken) touches
 * |i·m − j·n| ≥ threshold. Walks the path as a Markov chain (next value is a ref with probability
 * (n − i)/(n + m − i − j)) and collects the mass that leaves the band, so small p-values keep
 * their relative precision instead of coming out as 1 − (paths inside). Masses below 1e-300 are
 * dropped (they change p by less than n·m·1e-300) so the walk only visits the live part of each
 * row, about √n wide, and never computes in subnormals.
 */
function ksExactSf(n: number, m: number, threshold: number): number {
  if (threshold <= 0) return 1;
  const inside = (i: number, j: number) => Math.abs(i * m - j * n) < threshold;
  const mass = new Float64Array(m + 1); // mass at (i, j) for the current row i; 0 outside [lo, top]
  mass[0] = 1;
  let out = 0;
  let lo = 0;
  let top = 0;
  for (let i = 0; i <= n; i++) {
    const hi = Math.min(m, Math.ceil((i * m + threshold) / n)); // first j past the band, or m
    const prevTop = top;
    let left = 0; // mass arriving from (i, j − 1)
    for (let j = lo; j <= hi && (j <= prevTop || left > 0); j++) {
      const fromAbove = i > 0 ? (mass[j] * (n - i + 1)) / (n + m - i + 1 - j) : mass[j];
      const v = fromAbove + left;
      if (!inside(i, j)) {
        out += v;
        mass[j] = 0;
        left = 0;
      } else if (v < 1e-300) {
        mass[j] = 0;
        left = 0;
      } else {
        mass[j] = v;
        left = (v * (m - j)) / (n + m - i - j);
        top = j;
      }
    }
    while (lo < top && mass[lo] === 0) lo++;
  }
  return Math.min(1, out);
}
