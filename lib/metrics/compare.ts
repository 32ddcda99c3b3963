// Champion/challenger statistics: the difference of two accuracies with its interval and test,
// for independent samples (a traffic split) and for paired ones (a shadow scored the same rows),
// and the t tests on squared errors for regression. Pure, client-safe, no dependencies.
// Sign convention everywhere: difference = b − a (challenger minus champion).
import { binomCdf, chi2Sf, lnGamma, normalCdf, wilson, Z95 } from './intervals';

export interface Difference {
  value: number;
  interval: [number, number];
}
export interface TestResult {
  statistic: number;
  p_value: number;
}

/**
 * Newcombe's hybrid score interval (1998, method 10) for p_b − p_a from independent samples:
 * the Wilson interval of each side, squared and added. Null while a side has no rows.
 * Known: 7/34 vs 1/34 → 0.1765 (0.0189 to 0.3404) (Fagerland, Lydersen & Laake, ch. 4).
 */
export function newcombeDifference(xa: number, na: number, xb: number, nb: number, z = Z95): Difference | null {
  const wa = wilson(xa, na, z);
  const wb = wilson(xb, nb, z);
  if (!wa || !wb) return null;
  const pa = xa / na;
  const pb = xb / nb;
  const d = pb - pa;
  const lower = d - Math.sqrt((pb - wb[0]) ** 2 + (wa[1] - pa) ** 2);
  const upper = d + Math.sqrt((wb[1] - pb) ** 2 + (pa - wa[0]) ** 2);
  return { value: d, interval: [Math.max(-1, lower), Math.min(1, upper)] };
}

/**
 * Two-proportion z-test with the pooled variance: z = (p_b − p_a) / √(P(1 − P)(1/n_a + 1/n_b)),
 * two-sided p = 2Φ(−|z|) (z² is Pearson's χ² of the 2×2 table without continuity correction).
 * Null while a side has no rows; z 0, p 1 when every row on both sides is right (or wrong).
 */
export function twoProportionZ(xa: number, na: number, xb: number, nb: number): TestResult | null {
  if (na <= 0 || nb <= 0) return null;
  const pooled = (xa + xb) / (na + nb);
  const variance = pooled * (1 - pooled) * (1 / na + 1 / nb);
  if (!(variance > 0)) return { statistic: 0, p_value: 1 };
  const statistic = (xb / nb - xa / na) / Math.sqrt(variance);
  return { statistic, p_value: Math.min(1, 2 * normalCdf(-Math.abs(statistic))) };
}

/** The paired 2×2 table of two classifiers on the same labeled rows. */
export interface PairedTable {
  /** Both right. */
  both: number;
  /** a right, b wrong. */
  aOnly: number;
  /** a wrong, b right. */
  bOnly: number;
  /** Both wrong. */
  neither: number;
}

export const pairedN = (t: PairedTable) => t.both + t.aOnly + t.bOnly + t.neither;

/** Below this many discordant pairs McNemar's test is the exact binomial one. */
export const MCNEMAR_EXACT_BELOW = 25;

/**
 * McNemar's test on the discordant pairs. With fewer than 25 of them, the exact binomial test
 * (statistic = the smaller discordant count, p = min(1, 2·P(X ≤ min) for X ~ Bin(n, ½)), as
 * statsmodels' mcnemar(exact=True)); otherwise χ² = (|n_ab − n_ba| − 1)² / (n_ab + n_ba) on 1 df
 * (continuity-corrected, exact=False, correction=True). No discordant pairs: statistic 0, p 1.
 */
export function mcnemar(t: PairedTable): TestResult & { exact: boolean } {
  const n = t.aOnly + t.bOnly;
  if (n === 0) return { statistic: 0, p_value: 1, exact: true };
  if (n < MCNEMAR_EXACT_BELOW) {
    const k = Math.min(t.aOnly, t.bOnly);
    return { statistic: k, p_value: Math.min(1, 2 * binomCdf(k, n, 0.5)), exact: true };
  }
  const statistic = Math.max(0, Math.abs(t.bOnly - t.aOnly) - 1) ** 2 / n;
  return { statistic, p_value: chi2Sf(statistic, 1), exact: false };
}

/**
 * Newcombe's square-and-add interval for the difference of paired proportions (1998b, method 10):
 * p_b − p_a with each side's Wilson interval, combined through the φ correlation of the table (φ
 * shrunk by N/2 when positive, 0 in between). Null for no rows.
 * Known: [[59, 6], [16, 80]] → p₁ − p₂ = −0.0621 (−0.1186 to −0.0046) (Fagerland et al., ch. 8).
 */
export function pairedDifference(t: PairedTable, z = Z95): Difference | null {
  const n = pairedN(t);
  if (n === 0) return null;
  const xa = t.both + t.aOnly;
  const xb = t.both + t.bOnly;
  const [la, ua] = wilson(xa, n, z)!;
  const [lb, ub] = wilson(xb, n, z)!;
  const pa = xa / n;
  const pb = xb / n;
  let phi = 0;
  const rowsCols = xa * (n - xa) * xb * (n - xb);
  if (rowsCols > 0) {
    const cross = t.both * t.neither - t.aOnly * t.bOnly;
    const adjusted = cross > n / 2 ? cross - n / 2 : cross < 0 ? cross : 0;
    phi = adjusted / Math.sqrt(rowsCols);
  }
  // The interval of p_a − p_b, then mirrored to b − a.
  const d = pa - pb;
  const lower = d - Math.sqrt(Math.max(0, (pa - la) ** 2 - 2 * phi * (pa - la) * (ub - pb) + (ub - pb) ** 2));
  const upper = d + Math.sqrt(Math.max(0, (pb - lb) ** 2 - 2 * phi * (pb - lb) * (ua - pa) + (ua - pa) ** 2));
  return { value: pb - pa, interval: [Math.max(-1, -upper), Math.min(1, -lower)] };
}

// ---- Regression: t tests on squared errors -----------------------------------------------------

/** Running sums of one sample: n, Σx, Σx². */
export interface Moments {
  n: number;
  sum: number;
  sum2: number;
}

export const emptyMoments = (): Moments => ({ n: 0, sum: 0, sum2: 0 });
export function addMoment(m: Moments, x: number): void {
  m.n++;
  m.sum += x;
  m.sum2 += x * x;
}

/** Unbiased sample variance from the sums (clamped at 0 against rounding); null below 2 rows. */
export function sampleVariance(m: Moments): number | null {
  if (m.n < 2) return null;
  return Math.max(0, (m.sum2 - (m.sum * m.sum) / m.n) / (m.n - 1));
}

/**
 * Regularized incomplete beta I_x(a, b) by its continued fraction (modified Lentz), on the side
 * where it converges (Numerical Recipes §6.4).
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaFraction(1 - x, b, a)) / b;
  return (front * betaFraction(x, a, b)) / a;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Two-sided p of Student's t with `df` degrees of freedom: I_{df/(df+t²)}(df/2, ½). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  if (!(df > 0)) return NaN;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/**
 * Welch's t-test of mean(b) − mean(a) (unequal variances, Welch–Satterthwaite df), as
 * scipy.stats.ttest_ind(b, a, equal_var=False). Null below 2 rows a side; t 0, p 1 when both
 * samples are constant and equal.
 */
export function welchT(a: Moments, b: Moments): (TestResult & { df: number }) | null {
  const va = sampleVariance(a);
  const vb = sampleVariance(b);
  if (va === null || vb === null) return null;
  const sa = va / a.n;
  const sb = vb / b.n;
  const diff = b.sum / b.n - a.sum / a.n;
  if (sa + sb === 0) return { statistic: diff === 0 ? 0 : Math.sign(diff) * Infinity, p_value: diff === 0 ? 1 : 0, df: a.n + b.n - 2 };
  const statistic = diff / Math.sqrt(sa + sb);
  const df = (sa + sb) ** 2 / ((sa * sa) / (a.n - 1) + (sb * sb) / (b.n - 1));
  return { statistic, p_value: studentTwoSidedP(statistic, df), df };
}

/**
 * Paired t-test on per-row differences d = x_b − x_a (scipy.stats.ttest_rel(b, a)); null below 2
 * pairs; t 0, p 1 when every difference is 0.
 */
export function pairedT(d: Moments): (TestResult & { df: number }) | null {
  const v = sampleVariance(d);
  if (v === null) return null;
  const mean = d.sum / d.n;
  const df = d.n - 1;
  if (v === 0) return { statistic: mean === 0 ? 0 : Math.sign(mean) * Infinity, p_value: mean === 0 ? 1 : 0, df };
  const statistic = mean / Math.sqrt(v / d.n);
  return { statistic, p_value: studentTwoSidedP(statistic, df), df };
}

/**
 * RMSE_b − RMSE_a with a delta-method interval: Var(√m) ≈ Var(m)/(4m) for the mean squared error
 * m of each side; `cov` is Cov(mean e_a², mean e_b²) for paired samples (0 when independent).
 * `a` and `b` are the moments of the squared errors. Null below 2 rows a side.
 */
export function rmseDifference(a: Moments, b: Moments, cov = 0, z = Z95): Difference | null {
  const va = sampleVariance(a);
  const vb = sampleVariance(b);
  if (va === null || vb === null) return null;
  const ma = a.sum / a.n;
  const mb = b.sum / b.n;
  const ra = Math.sqrt(ma);
  const rb = Math.sqrt(mb);
  const value = rb - ra;
  // d√m/dm = 1/(2√m); a side with no error at all contributes no spread.
  const ga = ra > 0 ? 1 / (2 * ra) : 0;
  const gb = rb > 0 ? 1 / (2 * rb) : 0;
  const variance = Math.max(0, ga * ga * (va / a.n) + gb * gb * (vb / b.n) - 2 * ga * gb * cov);
  const half = z * Math.sqrt(variance);
  return { value, interval: [value - half, value + half] };
}

/** Whether a two-sided p is below the 5 % level. */
export const isSignificant = (p: number) => p < 0.05;
