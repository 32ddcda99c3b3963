// Distribution functions and the Wilson interval against MONITORING.md's known answers and scipy.
import { describe, expect, it } from 'vitest';
import { binomCdf, chi2Cdf, chi2Quantile, chi2Sf, kolmogorovSf, lnGamma, normalCdf, wilson } from './intervals';
import { expectClose, expectDigits } from './test-expect';

describe('wilson', () => {
  it('reproduces the known 95 % intervals', () => {
    const [lo1, hi1] = wilson(80, 100)!;
    expectDigits(lo1, '0.711171');
    expectDigits(hi1, '0.866633');
    const [lo2, hi2] = wilson(180, 200)!;
    expectDigits(lo2, '0.850594');
    expectDigits(hi2, '0.934330');
  });

  it('stays inside [0, 1] at 0 % and 100 %: [0, z²/(n+z²)] and its mirror', () => {
    expect(wilson(0, 7)![0]).toBe(0); // the formula leaves 2.8e-17 here
    const [lo0, hi0] = wilson(0, 10)!;
    expect(lo0).toBe(0);
    expectClose(hi0, 0.2775327998628892);
    const [lo1, hi1] = wilson(10, 10)!;
    expectClose(lo1, 1 - 0.2775327998628892);
    expect(hi1).toBe(1);
  });

  it('narrows with a smaller z and is null for no trials', () => {
    const [lo95, hi95] = wilson(80, 100)!;
    const [lo68, hi68] = wilson(80, 100, 1)!;
    expect(lo68).toBeGreaterThan(lo95);
    expect(hi68).toBeLessThan(hi95);
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('normalCdf', () => {
  it.each([
    [-8, 6.22096057427174e-16],
    [-1.96, 0.024997895148220435],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [3, 0.9986501019683699],
  ])('Φ(%d) matches scipy, tails included', (x, expected) => {
    expectClose(normalCdf(x), expected, 1e-12);
  });
});

describe('chi-square', () => {
  it.each([
    [28, 2, 8.31528719103568e-7],
    [3, 1, 0.08326451666355042],
    [150, 100, 0.0009039320423540184],
    [0.5, 0.5, 0.25632205526853896],
    [1e-3, 4, 0.9999998750416589],
    [1000, 900, 0.010994608942135844],
  ])('sf(%d; df %d) matches scipy', (x, df, expected) => {
    expectClose(chi2Sf(x, df), expected, 1e-11);
    expectClose(chi2Cdf(x, df), 1 - expected, 1e-9);
  });

  it('quantile: χ²(0.99; 9) = 21.665994, and others as scipy', () => {
    expectDigits(chi2Quantile(0.99, 9), '21.665994');
    expectClose(chi2Quantile(0.025, 100), 74.22192747492373, 1e-12);
    expectClose(chi2Quantile(0.975, 100), 129.5611971858366, 1e-12);
    expectClose(chi2Quantile(0.5, 1), 0.454936423119572, 1e-12);
    expectClose(chi2Quantile(0.01, 3), 0.11483180189911707, 1e-12);
    expectClose(chi2Quantile(0.999999, 2), 27.631021115871036, 1e-12);
  });

  it('quantile inverts the CDF at the ends of its domain', () => {
    expect(chi2Quantile(0, 5)).toBe(0);
    expect(chi2Quantile(1, 5)).toBe(Infinity);
    expect(chi2Quantile(1.5, 5)).toBeNaN();
    expect(chi2Sf(0, 3)).toBe(1);
    expect(chi2Sf(Infinity, 3)).toBe(0);
  });
});

describe('binomCdf', () => {
  it('one-sided P(X ≤ 80 | n = 100, p = 0.9) = 0.0019786', () => {
    expectDigits(binomCdf(80, 100, 0.9), '0.0019786');
  });

  it.each([
    [5, 10, 0.5, 0.623046875],
    [95, 100, 0.9, 0.9762889173365232],
    [4900, 10000, 0.5, 0.023292763852473225],
    [0, 10, 0.3, 0.028247524900000005],
    [30, 1000, 0.1, 1.3808381877900917e-17],
  ])('P(X ≤ %d | n = %d, p = %d) matches scipy on either side of the mode', (k, n, p, expected) => {
    expectClose(binomCdf(k, n, p), expected, 1e-11);
  });

  it('handles k outside [0, n) and degenerate p', () => {
    expect(binomCdf(-1, 10, 0.5)).toBe(0);
    expect(binomCdf(10, 10, 0.5)).toBe(1);
    expect(binomCdf(200, 1000, 0.1)).toBe(1);
    expect(binomCdf(3, 10, 0)).toBe(1);
    expect(binomCdf(3, 10, 1)).toBe(0);
  });
});

describe('kolmogorovSf', () => {
  it.each([
    [0.3, 0.9999906941986655],
    [0.8, 0.5441424115741981],
    [1.17, 0.12939004218561884],
    [1.19, 0.11774229287977166],
    [1.5, 0.022217962616525127],
    [3, 3.045995948942526e-8],
  ])('Q(%d) matches scipy kstwobign on both series', (x, expected) => {
    expectClose(kolmogorovSf(x), expected, 1e-12);
  });

  it('is 1 at and below 0', () => {
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(-1)).toBe(1);
  });
});

describe('lnGamma', () => {
  it('gives ln Γ at integers and halves', () => {
    expectClose(lnGamma(10), Math.log(362880), 1e-14);
    expectClose(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    expectClose(lnGamma(0.1), Math.log(9.513507698668732), 1e-14);
  });
});
