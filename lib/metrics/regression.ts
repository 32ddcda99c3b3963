// Regression metrics from running sums, so that windows and rollups merge by addition:
// MAE, RMSE (with a chi-square interval), MAPE and R².
import { chi2Quantile, normalCdf, Z95 } from './intervals';

export interface RegressionSums {
  n: number;
  absErr: number;
  sqErr: number;
  /** Σ |y − ŷ| / max(|y|, MAPE_FLOOR). */
  absPctErr: number;
  /** Rows with |y| < MAPE_FLOOR, whose percentage errors are huge by construction. */
  nearZero: number;
  y: number;
  y2: number;
}

export const MAPE_FLOOR = 1e-9;

export function emptyRegressionSums(): RegressionSums {
  return { n: 0, absErr: 0, sqErr: 0, absPctErr: 0, nearZero: 0, y: 0, y2: 0 };
}

/**
 * Adds one (actual, predicted) pair to the sums (sign +1), or removes it (−1, when a corrected
 * outcome replaces it in a rollup). A non-finite term (a NaN logged before outputs were checked,
 * squares past 1e308) would turn every sum it joins into NaN/Infinity for good: such a pair is left
 * out, alike when added and when removed; returns whether the pair counted.
 */
export function addRegression(s: RegressionSums, actual: number, predicted: number, sign: 1 | -1 = 1): boolean {
  const err = actual - predicted;
  const scale = Math.abs(actual);
  const pct = Math.abs(err) / Math.max(scale, MAPE_FLOOR);
  if (!Number.isFinite(err * err) || !Number.isFinite(pct) || !Number.isFinite(actual * actual)) return false;
  s.n += sign;
  s.absErr += sign * Math.abs(err);
  s.sqErr += sign * err * err;
  s.absPctErr += sign * pct;
  if (scale < MAPE_FLOOR) s.nearZero += sign;
  s.y += sign * actual;
  s.y2 += sign * actual * actual;
  return true;
}

export function mergeRegression(a: RegressionSums, b: RegressionSums): RegressionSums {
  return {
    n: a.n + b.n,
    absErr: a.absErr + b.absErr,
    sqErr: a.sqErr + b.sqErr,
    absPctErr: a.absPctErr + b.absPctErr,
    nearZero: a.nearZero + b.nearZero,
    y: a.y + b.y,
    y2: a.y2 + b.y2,
  };
}

export interface RegressionMetrics {
  n: number;
  mae: number | null;
  rmse: number | null;
  /** A fraction (0.1 = 10 %), as scikit-learn's mean_absolute_percentage_error returns it. */
  mape: number | null;
  r2: number | null;
  near_zero_targets: number;
}

/**
 * Metrics of a window; null where there are no rows. R² = 1 − SS_res / SS_tot with
 * SS_tot = Σy² − (Σy)²/n, null when n < 2 or the actuals are constant. Σy² − (Σy)²/n cancels
 * catastrophically for constant actuals (ten 0.1s leave ~1e-17, not 0), so a variance within the
 * rounding error of the sums, n·ε·Σy², counts as zero.
 */
export function regressionMetrics(s: RegressionSums): RegressionMetrics {
  const { n } = s;
  const ssTot = n > 0 ? s.y2 - (s.y * s.y) / n : 0;
  const constant = ssTot <= n * Number.EPSILON * s.y2;
  return {
    n,
    mae: n > 0 ? s.absErr / n : null,
    rmse: n > 0 ? Math.sqrt(s.sqErr / n) : null,
    mape: n > 0 ? s.absPctErr / n : null,
    r2: n >= 2 && !constant ? 1 - s.sqErr / ssTot : null,
    near_zero_targets: s.nearZero,
  };
}

/**
 * Confidence interval for RMSE, two-sided at the level of z (1.96 → 95 %): with errors iid
 * N(0, σ²), Σe²/σ² ~ χ²(n) (n degrees of freedom: the errors' mean is assumed 0, not estimated),
 * so σ ∈ [√(Σe² / χ²(1 − α/2; n)), √(Σe² / χ²(α/2; n))] with α/2 = 1 − Φ(z). Null for no rows.
 * RMSE estimates √E[e²] whether or not the errors are biased; with a bias Σe² is noncentral and
 * the interval approximate.
 */
export function rmseInterval(s: RegressionSums, z = Z95): [number, number] | null {
  if (s.n <= 0) return null;
  const halfAlpha = normalCdf(-z);
  return [Math.sqrt(s.sqErr / chi2Quantile(1 - halfAlpha, s.n)), Math.sqrt(s.sqErr / chi2Quantile(halfAlpha, s.n))];
}
