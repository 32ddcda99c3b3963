// Distribution functions (normal, chi-square, binomial, Kolmogorov) and the Wilson interval that
// monitoring needs, in plain double precision with no dependencies (client-safe).

/** z of a two-sided 95 % interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a proportion (Wilson 1927); null when n = 0. Unlike the Wald interval
 * it stays inside [0, 1] and keeps its coverage near 0 and 1, where monitored accuracies live.
 */
export function wilson(successes: number, n: number, z = Z95): [number, number] | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n successes the bound is exactly 0 (resp. 1); rounding would leave 1e-17 off it.
  return [successes <= 0 ? 0 : Math.max(0, center - half), successes >= n ? 1 : Math.min(1, center + half)];
}

/** Standard normal CDF, accurate in both tails: Φ(x) = erfc(−x/√2)/2 with erfc(t) = Q(½, t²). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2); // = Φ(−|x|)
  return x < 0 ? tail : 1 - tail;
}

/** P(X > x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2). */
export function chi2Sf(x: number, df: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return gammaQ(df / 2, x / 2);
}

/** P(X ≤ x) for X ~ χ²(df). */
export function chi2Cdf(x: number, df: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return gammaP(df / 2, x / 2);
}

/**
 * The p-quantile of χ²(df), by bisection to full precision; for p above ½ it solves on the
 * survival function so that quantiles near 1 (e.g. 0.99) do not lose digits to 1 − p.
 */
export function chi2Quantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const upper = p > 0.5;
  const target = upper ? 1 - p : p;
  // below(x): x is still left of the quantile.
  const below = (x: number) => (upper ? chi2Sf(x, df) > target : chi2Cdf(x, df) < target);
  let lo = 0;
  let hi = Math.max(1, df);
  while (below(hi)) {
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (below(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p). The pmf terms are summed from k outwards with the ratio
 * recurrence, on the side of the mode where they shrink, so no term needs factorials and the
 * small tail keeps its relative precision.
 */
export function binomCdf(k: number, n: number, p: number): number {
  k = Math.floor(k);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const logPmf = (i: number) => lnGamma(n + 1) - lnGamma(i + 1) - lnGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p);
  const odds = p / (1 - p);
  const mode = Math.floor((n + 1) * p);
  if (k < mode) {
    // Lower tail: terms decrease going down from k.
    let term = Math.exp(logPmf(k));
    let sum = term;
    for (let i = k; i > 0 && term > sum * 1e-17; i--) {
      term *= i / ((n - i + 1) * odds);
      sum += term;
    }
    return Math.min(1, sum);
  }
  // k at or above the mode: 1 − upper tail, whose terms decrease going up from k + 1.
  let term = Math.exp(logPmf(k + 1));
  let sum = term;
  for (let i = k + 1; i < n && term > sum * 1e-17; i++) {
    term *= ((n - i) * odds) / (i + 1);
    sum += term;
  }
  return Math.max(0, 1 - sum);
}

/**
 * Survival function of the Kolmogorov distribution (limit of √n·Dₙ):
 * Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²), or for small λ through the Jacobi-theta form of the CDF,
 * √(2π)/λ Σ e^(−(2k−1)²π²/(8λ²)), which converges fast where the first series does not.
 */
export function kolmogorovSf(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = -(Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let k = 1; k <= 20; k++) {
      const term = Math.exp((2 * k - 1) * (2 * k - 1) * y);
      cdf += term;
      if (term < 1e-17 * cdf) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf));
  }
  let sf = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sf += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * sf) break;
  }
  return Math.min(1, Math.max(0, 2 * sf));
}

// Lanczos approximation (g = 7, 9 terms; Numerical Recipes 3rd ed. §6.1), ~1e-15 relative.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

// Regularized incomplete gamma P(a, x) and Q(a, x) = 1 − P: the series where x < a + 1, the
// continued fraction (modified Lentz) elsewhere, each on the side where it converges without
// cancellation (Numerical Recipes §6.2).
function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

// Iterations grow like √a near the mode; the cap only guards against a non-finite input.
const maxIterations = (a: number) => 1000 + Math.ceil(50 * Math.sqrt(a));

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1, cap = maxIterations(a); n < cap; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1, cap = maxIterations(a); i < cap; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}
