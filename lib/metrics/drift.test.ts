// Drift statistics on raw samples against MONITORING.md's known answers (K1–K8) and scipy.
import { describe, expect, it } from 'vitest';
import {
  alignCategoryCounts,
  binCounts,
  chiSquareTest,
  chooseDriftMethod,
  decileEdges,
  hellingerDistance,
  isDrift,
  jensenShannonDistance,
  klDivergence,
  ksTest,
  linfDistance,
  psi,
  psiCritical,
  quantileEdges,
  wassersteinNormed,
  zTestProportions,
} from './drift';
import { expectClose, expectDigits } from './test-expect';
import { normalSample } from './test-samples';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ksTest', () => {
  it('K1: ref 1..10, cur 6..15 → D = 0.5, exact p = 0.167821 (no drift)', () => {
    const { statistic, p_value } = ksTest(range(1, 10), range(6, 15));
    expect(statistic).toBe(0.5);
    expectDigits(p_value, '0.167821');
    expect(isDrift('ks', p_value)).toBe(false);
  });

  it('K1: D = 0.088 between two samples of 1000 has exact p ≈ 8.6e-4, as scipy', () => {
    const { statistic, p_value } = ksTest(range(0, 999), range(88, 1087));
    expect(statistic).toBe(0.088);
    expectDigits(p_value, '8.6e-4');
    expectClose(p_value, 0.0008613642727365059, 1e-12);
  });

  it('K1: N(0,1) vs N(0.1,1), 1000 each, drifts like the documented draw and matches scipy on ours', () => {
    // A shift of 0.1 sd usually gives D ≈ 0.05; seeds 31/32 draw a sample like MONITORING.md's
    // numpy draw (D ≈ 0.088). scipy.stats.ks_2samp on these very samples: D 0.095, p 2.3854664e-4.
    const { statistic, p_value } = ksTest(normalSample(31, 1000), normalSample(32, 1000, 0.1));
    expect(Math.abs(statistic - 0.088)).toBeLessThan(0.02);
    expect(p_value).toBeGreaterThan(8.6e-4 / 10);
    expect(p_value).toBeLessThan(8.6e-4 * 10);
    expect(statistic).toBe(0.095);
    expectClose(p_value, 0.00023854664270315346, 1e-10);
  });

  it('is exact for unequal sizes and ties (scipy method=exact)', () => {
    const withTies = ksTest([0.1, 0.4, 0.4, 0.9, 1.3, 2.0, 2.2], [0.4, 1.0, 1.1, 1.5, 1.6, 2.3, 2.4, 2.5, 3.0, 3.1, 0.0]);
    expectClose(withTies.statistic, 0.45454545454545453, 1e-15);
    expectClose(withTies.p_value, 0.2474233283056812, 1e-12);
    const shifted = ksTest(range(1, 12), range(7, 24));
    expectClose(shifted.statistic, 2 / 3, 1e-15);
    expectClose(shifted.p_value, 0.0017352804222527253, 1e-12);
  });

  it('switches to the asymptotic Kolmogorov p-value above 10 000 rows', () => {
    const ref = range(1, 20_000);
    const cur = range(1, 500).map((i) => i * 40 + 800.5);
    const { statistic, p_value } = ksTest(ref, cur);
    expectClose(statistic, 0.042, 1e-12);
    expectClose(p_value, 0.3557351649176139, 1e-10); // scipy kstwobign.sf(√(nm/(n+m))·D)
    expect(Math.abs(p_value - 0.3458859347712584)).toBeLessThan(0.02); // scipy ks_2samp (finite-n)
  });

  it('finds no evidence in identical or empty samples', () => {
    expect(ksTest([3, 1, 2], [2, 3, 1])).toEqual({ statistic: 0, p_value: 1 });
    expect(ksTest([5, 5, 5], [5, 5])).toEqual({ statistic: 0, p_value: 1 });
    expect(ksTest([], [1, 2])).toEqual({ statistic: 0, p_value: 1 });
    expect(ksTest([1, 2], [])).toEqual({ statistic: 0, p_value: 1 });
  });

  it('gives p = 1/C(n+m, n)·2 for completely separated samples', () => {
    const { statistic, p_value } = ksTest([1, 2, 3], [4, 5, 6]);
    expect(statistic).toBe(1);
    expectClose(p_value, 2 / 20, 1e-15);
  });
});

describe('chiSquareTest', () => {
  it('K2: ref a50 b30 c20, cur a30 b30 c40 → χ² = 28.0, p = 8.31529e-07', () => {
    const { statistic, p_value } = chiSquareTest([50, 30, 20], [30, 30, 40]);
    expectDigits(statistic, '28.0');
    expectDigits(p_value, '8.31529e-07');
    expect(isDrift('chisquare', p_value)).toBe(true);
  });

  it('scales expected counts to the current total and drops categories empty on both sides', () => {
    const doubled = chiSquareTest([50, 30, 20, 0], [60, 60, 80, 0]);
    expectDigits(doubled.statistic, '56.0');
    expectClose(doubled.p_value, Math.exp(-28), 1e-12); // χ²(2) sf is e^(−x/2)
  });

  it('a category the reference never had is certain drift: χ² = ∞, p = 0', () => {
    expect(chiSquareTest([50, 50, 0], [40, 40, 20])).toEqual({ statistic: Infinity, p_value: 0 });
  });

  it('has no evidence with one category or an empty side', () => {
    expect(chiSquareTest([10, 0], [5, 0])).toEqual({ statistic: 0, p_value: 1 });
    expect(chiSquareTest([0, 0], [5, 5])).toEqual({ statistic: 0, p_value: 1 });
    expect(chiSquareTest([5, 5], [0, 0])).toEqual({ statistic: 0, p_value: 1 });
    expect(() => chiSquareTest([1, 2], [1])).toThrow(RangeError);
  });
});

describe('zTestProportions', () => {
  it('K3: 30/100 vs 45/100 → z = −2.190890, p = 0.0284597', () => {
    const { statistic, p_value } = zTestProportions(30, 100, 45, 100);
    expectDigits(statistic, '-2.190890');
    expectDigits(p_value, '0.0284597');
    expect(zTestProportions(45, 100, 30, 100).statistic).toBeCloseTo(2.19089, 5);
    expect(isDrift('ztest', p_value)).toBe(true);
  });

  it('has no evidence when every row has the same value or a side is empty', () => {
    expect(zTestProportions(0, 100, 0, 50)).toEqual({ statistic: 0, p_value: 1 });
    expect(zTestProportions(100, 100, 50, 50)).toEqual({ statistic: 0, p_value: 1 });
    expect(zTestProportions(3, 10, 0, 0)).toEqual({ statistic: 0, p_value: 1 });
  });
});

describe('distances on shares', () => {
  const ref = [0.5, 0.3, 0.2];
  const cur = [0.3, 0.3, 0.4];

  it('K5: JS 0.172115, KL 0.116783, L∞ 0.2, Hellinger 0.172797, PSI 0.240795', () => {
    expectDigits(jensenShannonDistance(ref, cur), '0.172115');
    expectDigits(klDivergence(ref, cur), '0.116783');
    expectDigits(linfDistance(ref, cur), '0.2');
    expectDigits(hellingerDistance(ref, cur), '0.172797');
    expectDigits(psi(ref, cur), '0.240795');
  });

  it('accept counts as well as shares', () => {
    expectClose(jensenShannonDistance([50, 30, 20], [3, 3, 4]), jensenShannonDistance(ref, cur), 1e-14);
    expectClose(psi([50, 30, 20], [3, 3, 4]), psi(ref, cur), 1e-14);
  });

  it('handle empty categories: JS as scipy, Hellinger 1 when disjoint, KL and PSI floored', () => {
    expectClose(jensenShannonDistance([0.5, 0.5, 0], [0, 0.5, 0.5]), 0.5887050112577373, 1e-14);
    expect(hellingerDistance([1, 0], [0, 1])).toBe(1);
    expectClose(jensenShannonDistance([1, 0], [0, 1]), Math.sqrt(Math.LN2), 1e-14);
    expectClose(klDivergence([1, 0], [0, 1]), (1 - 1e-4) * Math.log(1e4), 1e-12); // 1·ln(1/1e-4) + 1e-4·ln(1e-4/1)
  });

  it('are 0 between identical distributions and when a side is empty', () => {
    for (const f of [jensenShannonDistance, klDivergence, linfDistance, hellingerDistance, psi]) {
      expect(f(ref, ref)).toBe(0);
      expect(f([0, 0, 0], cur)).toBe(0);
    }
    expect(() => psi([1], [1, 2])).toThrow(RangeError);
  });
});

describe('psi', () => {
  it('K6: a new category (ref a50 b50, cur a40 b40 d20, floor 1e-4) → 1.564049', () => {
    const { categories, ref, cur } = alignCategoryCounts({ a: 50, b: 50 }, { a: 40, b: 40, d: 20 });
    expect(categories).toEqual(['a', 'b', 'd']);
    expect(ref).toEqual([50, 50, 0]);
    expectDigits(psi(ref, cur), '1.564049');
    expectDigits(psi([0.5, 0.5, 0], [0.4, 0.4, 0.2]), '1.564049');
  });

  it('floors with max(share, floor): a tiny share never costs more than an empty one', () => {
    expect(psi([0.5, 0.5, 1e-6], [0.4, 0.4, 0.2])).toBeLessThanOrEqual(psi([0.5, 0.5, 0], [0.4, 0.4, 0.2]));
    expect(psi([0.5, 0.5, 0], [0.4, 0.4, 0.2], 1e-3)).toBeLessThan(psi([0.5, 0.5, 0], [0.4, 0.4, 0.2]));
  });

  it('K7: decile PSI of ref 1..1000 vs cur 101..1100 → 0.759399', () => {
    const ref = range(1, 1000);
    const edges = decileEdges(ref);
    expect(edges).toEqual([100.9, 200.8, 300.7, 400.6, 500.5, 600.4, 700.3, 800.2, 900.1]); // numpy.quantile
    const refCounts = binCounts(ref, edges);
    const curCounts = binCounts(range(101, 1100), edges);
    expect(refCounts).toEqual(Array(10).fill(100));
    expect(curCounts).toEqual([0, 100, 100, 100, 100, 100, 100, 100, 100, 200]);
    expectDigits(psi(refCounts, curCounts), '0.759399');
  });

  it('K8: PSI_crit = χ²(0.99; 9)·(1/N + 1/M) → 0.4333, 0.04333, 0.004333', () => {
    expectDigits(psiCritical(10, 100, 100), '0.4333');
    expectDigits(psiCritical(10, 1000, 1000), '0.04333');
    expectDigits(psiCritical(10, 10_000, 10_000), '0.004333');
    expect(psiCritical(10, 100, 100, 0.05)).toBeLessThan(psiCritical(10, 100, 100));
  });

  it('PSI_crit: Infinity with an empty side, 0 with a single bin', () => {
    expect(psiCritical(10, 0, 100)).toBe(Infinity);
    expect(psiCritical(1, 100, 100)).toBe(0);
  });

  it('a constant feature gets one edge and two bins; moving off the constant is large drift', () => {
    const ref = Array<number>(200).fill(5);
    const edges = decileEdges(ref);
    expect(edges).toEqual([5]);
    expect(psi(binCounts(ref, edges), binCounts(Array<number>(50).fill(5), edges))).toBe(0);
    expectClose(psi(binCounts(ref, edges), binCounts(Array<number>(50).fill(6), edges)), 2 * (1 - 1e-4) * Math.log(1e4), 1e-14);
  });
});

describe('quantile bins', () => {
  it('are numpy.quantile’s, to the bit, with edges at repeated values collapsed', () => {
    // numpy: [0, 0, 0, 0, 0.5, 100.39999999999998, 200.29999999999995, 300.20000000000005, 400.1]
    const ref = [...Array<number>(500).fill(0), ...range(1, 500)];
    const edges = decileEdges(ref);
    expect(edges).toEqual([0, 0.5, 100.39999999999998, 200.29999999999995, 300.20000000000005, 400.1]);
    const counts = binCounts(ref, edges);
    expect(counts).toEqual([500, 0, 100, 100, 100, 100, 100]); // the zeros fill bin (−∞, 0]; (0, 0.5] is empty
    expect(psi(counts, counts)).toBe(0);
    expect(quantileEdges([1, 2, 2, 2, 2, 2, 2, 2, 2, 3], 10)).toEqual([1.9, 2, 2.0999999999999996]);
    // numpy.quantile's index (n − 1)·(k/10) and two-sided lerp decide the last bits here:
    expect(quantileEdges([8.22, 3.3, -13.03, 9.05], 10)).toEqual([
      -8.131, -3.2319999999999984, 1.6669999999999985, 4.284000000000001, 5.76, 7.236, 8.303, 8.552000000000001, 8.801,
    ]);
  });

  it('are right-closed with open outer edges: (−∞, e₀], (e₀, e₁], …, (e_last, ∞)', () => {
    expect(binCounts([0, 1, 1.5, 2, 3, 4, -100, 100], [1, 2, 3])).toEqual([3, 2, 1, 2]);
  });

  it('degenerate inputs: no reference → no edges → one bin; no values → zero counts', () => {
    expect(decileEdges([])).toEqual([]);
    expect(binCounts([1, 2, 3], [])).toEqual([3]);
    expect(binCounts([], [1, 2])).toEqual([0, 0, 0]);
    expect(quantileEdges([7], 4)).toEqual([7]);
  });
});

describe('wassersteinNormed', () => {
  it('K4: ref 1..5, cur 2..6 → W1 1.0 / std 1.414214 = 0.707107', () => {
    expectDigits(wassersteinNormed(range(1, 5), range(2, 6)), '0.707107');
  });

  it('matches scipy wasserstein_distance / np.std on samples with ties', () => {
    expectClose(wassersteinNormed([0, 0, 1, 1, 1, 5], [0, 2, 2, 3]), 1.0833333333333335 / 1.699673171197595, 1e-14);
  });

  it('floors the reference std at 0.001 for a constant feature, and is 0 with an empty side', () => {
    expectClose(wassersteinNormed([3, 3, 3], [3, 3, 4]), 1 / 3 / 0.001, 1e-12);
    expect(wassersteinNormed([], [1])).toBe(0);
    expect(wassersteinNormed([1], [])).toBe(0);
  });
});

describe('chooseDriftMethod', () => {
  it.each([
    ['numeric', 1000, 2, 'ztest'],
    ['numeric', 1000, 3, 'chisquare'],
    ['numeric', 1000, 5, 'chisquare'],
    ['numeric', 1000, 6, 'ks'],
    ['numeric', 1001, 2, 'jensenshannon'],
    ['numeric', 1001, 5, 'jensenshannon'],
    ['numeric', 1001, 6, 'wasserstein'],
    ['categorical', 1000, 2, 'ztest'],
    ['categorical', 1000, 3, 'chisquare'],
    ['categorical', 1000, 50, 'chisquare'],
    ['categorical', 1001, 2, 'jensenshannon'],
    ['categorical', 1001, 50, 'jensenshannon'],
  ] as const)('%s, n_ref %d, %d distinct → %s', (kind, nRef, distinct, method) => {
    expect(chooseDriftMethod(kind, nRef, distinct)).toBe(method);
  });
});

describe('isDrift', () => {
  it.each([
    ['ks', 0.05, true],
    ['ks', 0.0501, false],
    ['chisquare', 0.05, false],
    ['chisquare', 0.0499, true],
    ['ztest', 0.05, false],
    ['ztest', 0.0499, true],
    ['jensenshannon', 0.1, true],
    ['jensenshannon', 0.0999, false],
    ['wasserstein', 0.1, true],
    ['wasserstein', 0.0999, false],
  ] as const)('%s at %d → %s', (method, value, drift) => {
    expect(isDrift(method, value)).toBe(drift);
  });
});
