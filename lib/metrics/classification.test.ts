// Classification metrics: hand-computed confusion matrices, AUC against Mann–Whitney, log loss.
import { describe, expect, it } from 'vitest';
import { aucFromHistograms, classificationMetrics, logLoss, logLossTerm, rocAuc } from './classification';
import { expectClose } from './test-expect';

describe('classificationMetrics', () => {
  it('computes per-class and macro metrics; a class predicted but never seen has F1 0, recall null', () => {
    // actual \ predicted: cat dog bird
    const m = classificationMetrics({
      classes: ['cat', 'dog', 'bird'],
      matrix: [
        [5, 1, 0],
        [2, 3, 1],
        [0, 0, 0],
      ],
    });
    expect(m.n).toBe(12);
    expect(m.correct).toBe(8);
    expectClose(m.accuracy!, 8 / 12);
    expectClose(m.per_class.cat.precision!, 5 / 7);
    expectClose(m.per_class.cat.recall!, 5 / 6);
    expectClose(m.per_class.cat.f1!, 10 / 13); // = 2·(5/7)(5/6)/((5/7)+(5/6))
    expect(m.per_class.dog).toEqual({ precision: 0.75, recall: 0.5, f1: 0.6, support: 6 });
    expect(m.per_class.bird).toEqual({ precision: 0, recall: null, f1: 0, support: 0 });
    expectClose(m.macro_precision!, (5 / 7 + 0.75 + 0) / 3);
    expectClose(m.macro_recall!, (5 / 6 + 0.5) / 2); // bird's recall is undefined: left out
    expectClose(m.macro_f1!, (10 / 13 + 0.6 + 0) / 3);
  });

  it('macro precision averages only the classes that were predicted (not counted as 0)', () => {
    const m = classificationMetrics({
      classes: ['a', 'b', 'c'],
      matrix: [
        [4, 0, 0],
        [0, 3, 0],
        [1, 1, 0],
      ],
    });
    expect(m.per_class.c).toEqual({ precision: null, recall: 0, f1: 0, support: 2 });
    expectClose(m.macro_precision!, (4 / 5 + 3 / 4) / 2); // scikit-learn's zero_division=0 would give /3
    expectClose(m.macro_recall!, (1 + 1 + 0) / 3);
    expectClose(m.macro_f1!, ((2 * 4) / (4 + 5) + (2 * 3) / (3 + 4) + 0) / 3);
  });

  it('a window with one class only reports what is defined and null for the rest', () => {
    const m = classificationMetrics({
      classes: ['pos', 'neg'],
      matrix: [
        [7, 0],
        [0, 0],
      ],
    });
    expect(m.accuracy).toBe(1);
    expect(m.per_class.pos).toEqual({ precision: 1, recall: 1, f1: 1, support: 7 });
    expect(m.per_class.neg).toEqual({ precision: null, recall: null, f1: null, support: 0 });
    expect([m.macro_precision, m.macro_recall, m.macro_f1]).toEqual([1, 1, 1]);
  });

  it('an empty window is all null, never NaN', () => {
    const m = classificationMetrics({
      classes: ['a', 'b'],
      matrix: [
        [0, 0],
        [0, 0],
      ],
    });
    expect(m).toEqual({
      n: 0,
      correct: 0,
      accuracy: null,
      per_class: {
        a: { precision: null, recall: null, f1: null, support: 0 },
        b: { precision: null, recall: null, f1: null, support: 0 },
      },
      macro_precision: null,
      macro_recall: null,
      macro_f1: null,
    });
  });

  it('rejects a matrix that does not match the classes', () => {
    expect(() => classificationMetrics({ classes: ['a', 'b'], matrix: [[1, 2]] })).toThrow(RangeError);
    expect(() => classificationMetrics({ classes: ['a'], matrix: [[1, 2]] })).toThrow(RangeError);
  });
});

describe('rocAuc', () => {
  it('equals Mann–Whitney U / (n₊n₋) with ties counting half (scipy: 0.8333…)', () => {
    const pos = [0.9, 0.8, 0.8, 0.4, 0.35];
    const neg = [0.8, 0.4, 0.1, 0.2, 0.35, 0.05];
    // Interleave so the function cannot rely on input order.
    const scores = [neg[0], pos[0], neg[1], pos[1], neg[2], pos[2], neg[3], pos[3], neg[4], pos[4], neg[5]];
    const labels = [false, true, false, true, false, true, false, true, false, true, false];
    expectClose(rocAuc(scores, labels)!, 25 / 30);
  });

  it('is 1 for perfect ranking, 0 for reversed, ½ when every score ties', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [true, true, false, false])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5], [true, false, false])).toBe(0.5);
  });

  it('is null when a class is missing and rejects mismatched lengths', () => {
    expect(rocAuc([0.2, 0.7], [true, true])).toBeNull();
    expect(rocAuc([0.2, 0.7], [false, false])).toBeNull();
    expect(rocAuc([], [])).toBeNull();
    expect(() => rocAuc([0.2], [true, false])).toThrow(RangeError);
  });
});

describe('aucFromHistograms', () => {
  it('equals rocAuc on scores at the bin midpoints', () => {
    const positive = [0, 0, 1, 0, 0, 2, 0, 3, 0, 4];
    const negative = [3, 2, 0, 1, 0, 2, 0, 0, 1, 0];
    const rows = (counts: number[], label: boolean) => counts.flatMap((c, i) => Array.from({ length: c }, () => ({ score: (i + 0.5) / 10, label })));
    const all = [...rows(positive, true), ...rows(negative, false)];
    const expected = rocAuc(
      all.map((r) => r.score),
      all.map((r) => r.label),
    )!;
    expect(expected).toBeGreaterThan(0.5);
    expectClose(aucFromHistograms(positive, negative)!, expected, 1e-14);
  });

  it('counts pairs within one bin as half, and is null when a side is empty', () => {
    expect(aucFromHistograms([0, 4, 0], [0, 6, 0])).toBe(0.5);
    expect(aucFromHistograms([0, 0, 0], [1, 2, 3])).toBeNull();
    expect(aucFromHistograms([1, 2, 3], [0, 0, 0])).toBeNull();
    expect(() => aucFromHistograms([1], [1, 2])).toThrow(RangeError);
  });
});

describe('log loss', () => {
  it('is the mean of −ln p(actual)', () => {
    // −ln 0.9, −ln 0.6, −ln 0.2
    expectClose(logLoss([0.9, 0.6, 0.2])!, (0.10536051565782628 + 0.5108256237659907 + 1.6094379124341003) / 3, 1e-14);
  });

  it('clips p to [1e-15, 1 − 1e-15], so certainty costs a finite amount', () => {
    expectClose(logLossTerm(0), 34.538776394910684, 1e-14); // −ln 1e-15
    expectClose(logLossTerm(-0.5), 34.538776394910684, 1e-14);
    expect(logLossTerm(1)).toBeGreaterThan(0);
    expect(logLossTerm(1)).toBeLessThan(2e-15);
  });

  it('is null for no rows', () => {
    expect(logLoss([])).toBeNull();
  });
});
