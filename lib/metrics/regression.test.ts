// Regression sums and metrics: scikit-learn's documented example, merging, R²'s undefined cases
// and the RMSE interval against scipy's chi-square quantiles.
import { describe, expect, it } from 'vitest';
import { addRegression, emptyRegressionSums, mergeRegression, regressionMetrics, rmseInterval, type RegressionSums } from './regression';
import { expectClose } from './test-expect';

function sums(actual: number[], predicted: number[]): RegressionSums {
  const s = emptyRegressionSums();
  actual.forEach((y, i) => addRegression(s, y, predicted[i]));
  return s;
}

const Y = [3, -0.5, 2, 7];
const P = [2.5, 0.0, 2, 8];

describe('regressionMetrics', () => {
  it('reproduces the example of scikit-learn’s docs (values from numpy)', () => {
    const m = regressionMetrics(sums(Y, P));
    expect(m.n).toBe(4);
    expect(m.mae).toBe(0.5);
    expectClose(m.rmse!, 0.6123724356957945, 1e-14);
    expectClose(m.mape!, 0.3273809523809524, 1e-14);
    expectClose(m.r2!, 0.9486081370449679, 1e-14);
    expect(m.near_zero_targets).toBe(0);
  });

  it('merged sums give the metrics of all rows together', () => {
    const merged = mergeRegression(sums(Y.slice(0, 1), P.slice(0, 1)), sums(Y.slice(1), P.slice(1)));
    const whole = sums(Y, P);
    for (const key of Object.keys(whole) as (keyof RegressionSums)[]) expectClose(merged[key], whole[key], 1e-15);
    expect(regressionMetrics(merged)).toEqual(regressionMetrics(whole));
  });

  it('divides percentage errors by max(|y|, 1e-9) and counts the near-zero targets', () => {
    const s = sums([0, 1e-10, 2], [0.5, 0, 3]);
    expect(s.nearZero).toBe(2);
    const m = regressionMetrics(s);
    expect(m.near_zero_targets).toBe(2);
    expectClose(m.mape!, (0.5 / 1e-9 + 1e-10 / 1e-9 + 0.5) / 3, 1e-14);
  });

  it('R² is null for constant actuals even when the sums do not cancel to exactly 0', () => {
    const small = sums(Array<number>(10).fill(0.1), Array<number>(10).fill(0.2));
    expect(small.y2 - (small.y * small.y) / small.n).not.toBe(0); // the rounding the check must absorb
    expect(regressionMetrics(small).r2).toBeNull();
    const large = sums(Array<number>(1000).fill(1e5 + 0.3), Array<number>(1000).fill(1e5));
    expect(regressionMetrics(large).r2).toBeNull();
  });

  it('R² stays defined for a small but real spread around a large mean', () => {
    const actual = Array.from({ length: 1000 }, (_, i) => 1e5 + (i % 2 === 0 ? 1 : -1));
    expectClose(regressionMetrics(sums(actual, Array<number>(1000).fill(1e5))).r2!, 0, 1e-6);
  });

  it('is null where no rows define it: R² needs two', () => {
    expect(regressionMetrics(emptyRegressionSums())).toEqual({
      n: 0,
      mae: null,
      rmse: null,
      mape: null,
      r2: null,
      near_zero_targets: 0,
    });
    const one = regressionMetrics(sums([3], [2]));
    expect([one.mae, one.rmse, one.r2]).toEqual([1, 1, null]);
  });
});

describe('rmseInterval', () => {
  it('is [√(Σe²/χ²(0.975; n)), √(Σe²/χ²(0.025; n))] (scipy quantiles)', () => {
    const s = { ...emptyRegressionSums(), n: 100, sqErr: 400 }; // RMSE 2
    const [lo, hi] = rmseInterval(s)!;
    expectClose(lo, 1.7570839813716945, 1e-12);
    expectClose(hi, 2.3214743070639665, 1e-12);
  });

  it('is wide for one row and narrows with z', () => {
    const [lo1, hi1] = rmseInterval(sums([1], [0]))!;
    expectClose(lo1, 0.4461491849207089, 1e-12);
    expectClose(hi1, 31.91015934964397, 1e-12);
    const s = { ...emptyRegressionSums(), n: 100, sqErr: 400 };
    const [lo95, hi95] = rmseInterval(s)!;
    const [lo68, hi68] = rmseInterval(s, 1)!;
    expect(lo68).toBeGreaterThan(lo95);
    expect(hi68).toBeLessThan(hi95);
    expect(lo68).toBeLessThan(2);
    expect(hi68).toBeGreaterThan(2);
  });

  it('is null without rows and [0, 0] for perfect predictions', () => {
    expect(rmseInterval(emptyRegressionSums())).toBeNull();
    expect(rmseInterval(sums([1, 2], [1, 2]))).toEqual([0, 0]);
  });
});
