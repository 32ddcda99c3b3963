// Intervals of the non-proportion metrics: Hanley–McNeil's AUC standard error by hand, the normal
// interval of a mean, and the Poisson bootstrap's coverage of F1 on a known confusion matrix.
import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification';
import { aucInterval, aucStandardError, bootstrapConfusionIntervals, meanInterval } from './metric-intervals';

describe('aucInterval', () => {
  it('Hanley & McNeil: A = 0.75 with 50 + 50 rows has SE 0.0488365 (by hand)', () => {
    // Q1 = 0.6, Q2 = 0.642857; SE² = (0.1875 + 49·0.0375 + 49·0.0803571) / 2500 = 0.002385.
    expect(aucStandardError(0.75, 50, 50)).toBeCloseTo(0.0488365, 6);
    const [lo, hi] = aucInterval(0.75, 50, 50)!;
    expect(lo).toBeCloseTo(0.75 - 1.959964 * 0.0488365, 5);
    expect(hi).toBeCloseTo(0.75 + 1.959964 * 0.0488365, 5);
  });

  it('stays inside [0, 1] and is null without both classes', () => {
    expect(aucInterval(0.99, 5, 5)![1]).toBeLessThanOrEqual(1);
    expect(aucInterval(null, 5, 5)).toBeNull();
    expect(aucInterval(0.7, 0, 5)).toBeNull();
  });
});

describe('meanInterval', () => {
  it('is the mean ± 1.96·s/√n', () => {
    // Values 1, 2, 3, 4: mean 2.5, s² = 5/3.
    const [lo, hi] = meanInterval(4, 10, 30)!;
    const half = 1.959963984540054 * Math.sqrt(5 / 3 / 4);
    expect(lo).toBeCloseTo(2.5 - half, 12);
    expect(hi).toBeCloseTo(2.5 + half, 12);
    expect(meanInterval(1, 3, 9)).toBeNull();
    expect(meanInterval(4, 0.4, 0.1, 0)![0]).toBeGreaterThanOrEqual(0);
  });
});

describe('bootstrapConfusionIntervals', () => {
  const classes = ['no', 'yes'];
  const matrix = [
    [400, 100],
    [50, 450],
  ];

  it('brackets the point estimate, is deterministic, and narrows with more rows', () => {
    const point = classificationMetrics({ classes, matrix });
    const a = bootstrapConfusionIntervals(classes, matrix);
    expect(a).toEqual(bootstrapConfusionIntervals(classes, matrix));
    for (const [k, v] of [
      ['macro_f1', point.macro_f1],
      ['f1.yes', point.per_class.yes.f1],
      ['macro_recall', point.macro_recall],
    ] as const) {
      expect(a[k]![0]).toBeLessThan(v!);
      expect(a[k]![1]).toBeGreaterThan(v!);
    }
    const big = bootstrapConfusionIntervals(
      classes,
      matrix.map((r) => r.map((n) => n * 16)),
    );
    const width = (iv: [number, number] | null) => iv![1] - iv![0];
    // Width shrinks like 1/√n: 16× the rows, about a quarter of the width.
    expect(width(big.macro_f1) / width(a.macro_f1)).toBeGreaterThan(0.15);
    expect(width(big.macro_f1) / width(a.macro_f1)).toBeLessThan(0.4);
  });

  it('is null for an empty matrix and for too many classes', () => {
    expect(
      bootstrapConfusionIntervals(classes, [
        [0, 0],
        [0, 0],
      ]).macro_f1,
    ).toBeNull();
    const many = Array.from({ length: 9 }, (_, i) => `c${i}`);
    expect(
      bootstrapConfusionIntervals(
        many,
        many.map(() => many.map(() => 5)),
      ).macro_f1,
    ).toBeNull();
  });
});
