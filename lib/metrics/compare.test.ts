// Champion/challenger statistics against published tables (Fagerland, Lydersen & Laake, "Statistical
// Analysis of Contingency Tables", chapters 4 and 8), scipy's printed values and hand arithmetic.
import { describe, expect, it } from 'vitest';
import {
  addMoment,
  emptyMoments,
  incompleteBeta,
  mcnemar,
  newcombeDifference,
  pairedDifference,
  pairedT,
  rmseDifference,
  studentTwoSidedP,
  twoProportionZ,
  welchT,
  type Moments,
} from './compare';
import { expectClose, expectDigits } from './test-expect';

const moments = (xs: number[]): Moments => {
  const m = emptyMoments();
  xs.forEach((x) => addMoment(m, x));
  return m;
};

describe('newcombeDifference (independent samples)', () => {
  it('reproduces the book: 7/34 vs 1/34 → 0.1765 (0.0189 to 0.3404)', () => {
    // a = 1/34 (standard dose), b = 7/34 (high dose): b − a.
    const d = newcombeDifference(1, 34, 7, 34)!;
    expectDigits(d.value, '0.1765');
    expectDigits(d.interval[0], '0.0189');
    expectDigits(d.interval[1], '0.3404');
  });

  it('is antisymmetric: swapping the sides mirrors the interval', () => {
    const ab = newcombeDifference(40, 100, 55, 120)!;
    const ba = newcombeDifference(55, 120, 40, 100)!;
    expectClose(ab.value, -ba.value);
    expectClose(ab.interval[0], -ba.interval[1]);
    expectClose(ab.interval[1], -ba.interval[0]);
  });

  it('stays in [−1, 1] at the extremes and is null without rows', () => {
    const d = newcombeDifference(0, 5, 5, 5)!;
    expect(d.value).toBe(1);
    expect(d.interval[1]).toBeLessThanOrEqual(1);
    expect(d.interval[0]).toBeGreaterThan(0);
    expect(newcombeDifference(0, 0, 3, 4)).toBeNull();
  });
});

describe('twoProportionZ', () => {
  it('equals √ of Pearson χ² of the 2×2 table: [[3, 1], [1, 3]] → χ² 2.000, p 0.15730', () => {
    const t = twoProportionZ(3, 4, 1, 4)!;
    expectClose(t.statistic, -Math.SQRT2, 1e-12); // b − a is negative here
    expectDigits(t.p_value, '0.15730');
  });

  it('by hand: 40/100 vs 55/100 → P = 0.475, var = 0.475·0.525·0.02 = 0.0049875, z = 0.15/√var', () => {
    const t = twoProportionZ(40, 100, 55, 100)!;
    expectClose(t.statistic, 0.15 / Math.sqrt(0.0049875));
    expectClose(t.statistic, 2.123976976214366); // scipy
    expectClose(t.p_value, 0.033672068856345834, 1e-7); // 2·norm.sf(z)
  });

  it('has nothing to test when every row agrees, and no answer without rows', () => {
    expect(twoProportionZ(10, 10, 20, 20)).toEqual({ statistic: 0, p_value: 1 });
    expect(twoProportionZ(0, 0, 1, 2)).toBeNull();
  });
});

describe('mcnemar', () => {
  it('is exact below 25 discordant pairs: 6 vs 16 → p = 2·binom.cdf(6, 22, ½) = 0.0524788', () => {
    const t = mcnemar({ both: 59, aOnly: 6, bOnly: 16, neither: 80 });
    expect(t.exact).toBe(true);
    expect(t.statistic).toBe(6);
    expectClose(t.p_value, 0.052478790283203125, 1e-9);
  });

  it('uses χ² with continuity correction from 25: 10 vs 30 → (|30 − 10| − 1)²/40 = 9.025', () => {
    const t = mcnemar({ both: 100, aOnly: 10, bOnly: 30, neither: 5 });
    expect(t.exact).toBe(false);
    expectClose(t.statistic, 9.025);
    expectClose(t.p_value, 0.002663119259138558, 1e-7); // chi2.sf(9.025, 1)
  });

  it('by hand, exact: 0 vs 5 → p = 2·(½)⁵ = 0.0625; 2 vs 2 → p = 1', () => {
    expectClose(mcnemar({ both: 3, aOnly: 0, bOnly: 5, neither: 1 }).p_value, 0.0625);
    expect(mcnemar({ both: 3, aOnly: 2, bOnly: 2, neither: 1 }).p_value).toBe(1);
    expect(mcnemar({ both: 3, aOnly: 0, bOnly: 0, neither: 1 })).toEqual({ statistic: 0, p_value: 1, exact: true });
  });
});

describe('pairedDifference (Newcombe square-and-add, paired)', () => {
  it('reproduces the book: [[59, 6], [16, 80]] → p₁ − p₂ = −0.0621 (−0.1186 to −0.0046), mirrored for b − a', () => {
    // a is the first classifier (row), b the second (column): b − a = (16 − 6)/161.
    const d = pairedDifference({ both: 59, aOnly: 6, bOnly: 16, neither: 80 })!;
    expectClose(d.value, 10 / 161);
    expectDigits(d.interval[0], '0.0046');
    expectDigits(d.interval[1], '0.1186');
  });

  it('is narrower than the independent interval on the same margins when the pairs correlate', () => {
    const paired = pairedDifference({ both: 59, aOnly: 6, bOnly: 16, neither: 80 })!;
    const independent = newcombeDifference(65, 161, 75, 161)!;
    expect(paired.interval[1] - paired.interval[0]).toBeLessThan(independent.interval[1] - independent.interval[0]);
    expect(pairedDifference({ both: 0, aOnly: 0, bOnly: 0, neither: 0 })).toBeNull();
  });
});

describe('Student t, Welch and paired t', () => {
  it('incomplete beta and two-sided p against scipy', () => {
    expectClose(incompleteBeta(0.3, 2.5, 4), 0.3521975859067672, 1e-10); // beta.cdf
    expectClose(incompleteBeta(0.9, 0.5, 7), 0.9999999780702157, 1e-12);
    expectClose(studentTwoSidedP(2, 10), 0.07338803477074037, 1e-9); // 2·t.sf(2, 10)
    expectClose(studentTwoSidedP(1.5, 3.7), 0.2135981692020135, 1e-9);
    expectClose(studentTwoSidedP(-0.3, 120.5), 0.7646940598579267, 1e-9);
  });

  it('Welch = scipy.stats.ttest_ind(b, a, equal_var=False)', () => {
    const a = moments([1, 4, 9, 0.25, 2.25]);
    const b = moments([0.5, 1, 3, 2, 8, 1.5]);
    const t = welchT(a, b)!;
    expectClose(t.statistic, -0.3294832090627945, 1e-10);
    expectClose(t.df, 7.589229061237546, 1e-10);
    expectClose(t.p_value, 0.750698969575219, 1e-9);
    expect(welchT(moments([1]), b)).toBeNull();
  });

  it('paired t = scipy.stats.ttest_rel(b, a) on the differences', () => {
    const a = [1, 4, 9, 0.25, 2.25, 1];
    const b = [0.5, 1, 3, 2, 8, 1.5];
    const t = pairedT(moments(b.map((x, i) => x - a[i])))!;
    expectClose(t.statistic, -0.15191090506254998, 1e-10);
    expectClose(t.p_value, 0.8851965815147436, 1e-9);
    expect(pairedT(moments([0, 0, 0]))).toEqual({ statistic: 0, p_value: 1, df: 2 });
  });

  it('RMSE difference by the delta method, by hand', () => {
    // Squared errors a: 1, 1, 4, 4 (MSE 2.5, var 3, RMSE √2.5); b: 4, 4, 9, 9 (MSE 6.5, var 25/3).
    const a = moments([1, 1, 4, 4]);
    const b = moments([4, 4, 9, 9]);
    const d = rmseDifference(a, b)!;
    expectClose(d.value, Math.sqrt(6.5) - Math.sqrt(2.5));
    const se = Math.sqrt((1 / (4 * 2.5)) * (3 / 4) + (1 / (4 * 6.5)) * (25 / 3 / 4));
    expectClose(d.interval[1] - d.value, 1.959963984540054 * se);
    expectClose(d.value - d.interval[0], 1.959963984540054 * se);
  });
});
