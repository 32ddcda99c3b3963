// One outcome's contribution to the labeled rollups: adding then removing it leaves zeros (so a
// correction is exact), and merging hours equals adding everything into one.
import { describe, expect, it } from 'vitest';
import { logLossTerm } from './classification';
import { AUC_BINS, addOutcome, emptyLabeledStats, mergeLabeledStats, type Actual, type LabeledStats, type Prediction } from './labeled-stats';
import { bucketIndex, LAG_BUCKETS_S } from './buckets';

const cls = (label: string, pYes: number | null = null): Prediction => ({
  kind: 'class',
  label,
  probabilities: pYes === null ? null : { no: 1 - pYes, yes: pYes },
  positive: pYes === null ? null : 'yes',
});
const val = (value: number): Prediction => ({ kind: 'value', value });
const actualC = (label: string): Actual => ({ kind: 'class', label });
const actualV = (value: number): Actual => ({ kind: 'value', value });

function expectAllZero(s: LabeledStats) {
  expect(s.lag.every((n) => n === 0)).toBe(true);
  for (const row of s.matrix ?? []) expect(row.every((n) => n === 0)).toBe(true);
  if (s.logLossN !== undefined) expect(s.logLossN).toBe(0);
  if (s.logLossSum !== undefined) expect(s.logLossSum).toBeCloseTo(0, 12);
  for (const side of [s.aucPos, s.aucNeg]) if (side) expect(side.every((n) => n === 0)).toBe(true);
  if (s.reg) {
    expect(s.reg.n).toBe(0);
    expect(s.reg.nearZero).toBe(0);
    for (const k of ['absErr', 'sqErr', 'y', 'y2'] as const) expect(s.reg[k]).toBeCloseTo(0, 9);
    // A near-zero target adds |e| / 1e-9 (here 1.25e9): what is left after removing it is rounding
    // at that magnitude (~1e-7), not a count.
    expect(Math.abs(s.reg.absPctErr)).toBeLessThan(1e-6);
  }
}

describe('addOutcome', () => {
  it('classification: confusion matrix[actual][predicted], log loss, AUC bins and lag bucket', () => {
    const s = emptyLabeledStats();
    addOutcome(s, cls('yes', 0.8), actualC('yes'), 30_000, 1);
    addOutcome(s, cls('yes', 0.7), actualC('no'), 2 * 86_400_000, 1);
    addOutcome(s, cls('no', 0.2), actualC('no'), 0, 1);
    expect(s.classes).toEqual(['yes', 'no']);
    expect(s.matrix).toEqual([
      [1, 0],
      [1, 1],
    ]); // actual yes → yes; actual no → yes, no
    expect(s.logLossN).toBe(3);
    expect(s.logLossSum).toBeCloseTo(logLossTerm(0.8) + logLossTerm(0.3) + logLossTerm(0.8), 12);
    expect(s.aucPos![80]).toBe(1);
    expect(s.aucNeg![70]).toBe(1);
    expect(s.aucNeg![20]).toBe(1);
    expect(s.aucPos!.length).toBe(AUC_BINS);
    expect(s.lag[0]).toBe(2); // 30 s and 0 s: the first bucket (≤ 60 s)
    expect(s.lag[bucketIndex(2 * 86_400, LAG_BUCKETS_S)]).toBe(1);
    // A probability of exactly 1 goes to the last AUC bin.
    addOutcome(s, cls('yes', 1), actualC('yes'), 0, 1);
    expect(s.aucPos![AUC_BINS - 1]).toBe(1);
  });

  it('a label without probabilities counts in the matrix only', () => {
    const s = emptyLabeledStats();
    addOutcome(s, cls('no'), actualC('maybe'), 0, 1);
    expect(s.classes).toEqual(['maybe', 'no']);
    expect(s.matrix).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(s.logLossN).toBeUndefined();
    expect(s.aucPos).toBeUndefined();
  });

  it('regression: the sums of errors, targets and near-zero targets', () => {
    const s = emptyLabeledStats();
    addOutcome(s, val(3), actualV(5), 0, 1);
    addOutcome(s, val(1), actualV(0), 0, 1);
    expect(s.reg).toEqual({ n: 2, absErr: 3, sqErr: 5, absPctErr: 2 / 5 + 1 / 1e-9, nearZero: 1, y: 5, y2: 25 });
    expect(s.classes).toBeUndefined();
  });

  it('adding then subtracting the same outcomes leaves zeros (classification and regression)', () => {
    const s = emptyLabeledStats();
    const ops: [Prediction, Actual, number][] = [
      [cls('yes', 0.91), actualC('yes'), 12_000],
      [cls('no', 0.13), actualC('yes'), 5 * 86_400_000],
      [cls('no', 0.49), actualC('no'), 3_600_000],
      [cls('yes'), actualC('no'), 100 * 86_400_000],
      [val(2.5), actualV(3.75), 0],
      [val(-1.25), actualV(0), 60_000],
    ];
    for (const [p, a, lag] of ops) addOutcome(s, p, a, lag, 1);
    expect(s.matrix!.flat().reduce((a, b) => a + b, 0)).toBe(4);
    for (const [p, a, lag] of ops.slice().reverse()) addOutcome(s, p, a, lag, -1);
    expectAllZero(s);
  });

  it('a correction (−old, +new) equals having sent only the new actual', () => {
    const corrected = emptyLabeledStats();
    addOutcome(corrected, cls('yes', 0.6), actualC('no'), 1000, 1);
    addOutcome(corrected, cls('yes', 0.6), actualC('no'), 1000, -1);
    addOutcome(corrected, cls('yes', 0.6), actualC('yes'), 86_400_000, 1);
    const direct = emptyLabeledStats();
    addOutcome(direct, cls('yes', 0.6), actualC('yes'), 86_400_000, 1);
    expect(corrected.lag).toEqual(direct.lag);
    expect(corrected.aucPos).toEqual(direct.aucPos);
    expect(corrected.logLossN).toBe(direct.logLossN);
    expect(corrected.logLossSum).toBeCloseTo(direct.logLossSum!, 12);
    // The corrected one still lists the class it once saw, with zero counts.
    const yes = corrected.classes!.indexOf('yes');
    expect(corrected.matrix![yes][yes]).toBe(1);
    expect(corrected.matrix!.flat().reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('mergeLabeledStats', () => {
  it('merging two hours equals adding all outcomes into one, whatever the class order', () => {
    const a = emptyLabeledStats();
    const b = emptyLabeledStats();
    const all = emptyLabeledStats();
    const first: [Prediction, Actual, number][] = [
      [cls('no', 0.3), actualC('no'), 0],
      [cls('yes', 0.8), actualC('no'), 7_200_000],
    ];
    const second: [Prediction, Actual, number][] = [
      [cls('yes', 0.9), actualC('yes'), 0],
      [cls('no', 0.4), actualC('yes'), 60_000],
      [cls('yes', 0.55), actualC('yes'), 0],
    ];
    for (const [p, x, lag] of first) {
      addOutcome(a, p, x, lag, 1);
      addOutcome(all, p, x, lag, 1);
    }
    for (const [p, x, lag] of second) {
      addOutcome(b, p, x, lag, 1);
      addOutcome(all, p, x, lag, 1);
    }
    expect(a.classes).toEqual(['no', 'yes']);
    expect(b.classes).toEqual(['yes', 'no']);
    const merged = mergeLabeledStats(a, b);
    expect(merged).toBe(a); // merged in place
    const byName = (s: LabeledStats) => Object.fromEntries(s.classes!.flatMap((x, i) => s.classes!.map((y, j) => [`${x}>${y}`, s.matrix![i][j]])));
    expect(byName(merged)).toEqual(byName(all));
    expect(merged.lag).toEqual(all.lag);
    expect(merged.aucPos).toEqual(all.aucPos);
    expect(merged.aucNeg).toEqual(all.aucNeg);
    expect(merged.logLossN).toBe(5);
    expect(merged.logLossSum).toBeCloseTo(all.logLossSum!, 12);
  });

  it('merges regression sums and new classes into an empty target', () => {
    const a = emptyLabeledStats();
    const b = emptyLabeledStats();
    addOutcome(b, val(1), actualV(2), 0, 1);
    addOutcome(b, val(4), actualV(2), 0, 1);
    const c = emptyLabeledStats();
    addOutcome(c, val(0), actualV(3), 0, 1);
    mergeLabeledStats(a, b);
    mergeLabeledStats(a, c);
    expect(a.reg).toEqual({ n: 3, absErr: 6, sqErr: 1 + 4 + 9, absPctErr: 0.5 + 1 + 1, nearZero: 0, y: 7, y2: 17 });
    expect(a.lag[0]).toBe(3);

    const empty = emptyLabeledStats();
    const k = emptyLabeledStats();
    addOutcome(k, cls('b'), actualC('a'), 0, 1);
    mergeLabeledStats(empty, k);
    expect(empty.classes).toEqual(['a', 'b']);
    expect(empty.matrix).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });

  it('merging a stat and its negation leaves zeros', () => {
    const plus = emptyLabeledStats();
    const minus = emptyLabeledStats();
    for (const [p, x] of [
      [cls('yes', 0.7), actualC('no')],
      [val(1.5), actualV(-2)],
    ] as [Prediction, Actual][]) {
      addOutcome(plus, p, x, 90_000, 1);
      addOutcome(minus, p, x, 90_000, -1);
    }
    expectAllZero(mergeLabeledStats(plus, minus));
  });
});
