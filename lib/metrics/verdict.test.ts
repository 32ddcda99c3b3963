// The retraining verdict over hand-built windows (MONITORING.md): K consecutive bad windows flag,
// K recovered ones clear, too few labels is neither bad nor good, a floor, RMSE's direction, a single
// bad window or drift is "watch".
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '../schemas/monitoring';
import { wilson } from './intervals';
import { evaluateVerdict, isBadWindow, type WindowEval } from './verdict';

const ACC = defaultPolicy('binary_classification');
const RMSE = defaultPolicy('regression');
const day = (i: number) => new Date(Date.UTC(2026, 10, 1 + i)).toISOString();

/** A classification window: `correct` of `labeled`, with its Wilson interval. */
function acc(i: number, correct: number, labeled = 200, extra: Partial<WindowEval> = {}): WindowEval {
  return {
    start: day(i),
    labeled,
    value: labeled ? correct / labeled : null,
    interval: labeled ? wilson(correct, labeled) : null,
    datasetDrift: null,
    predictionDrift: null,
    ...extra,
  };
}
const good = (i: number) => acc(i, 170); // 0.85, upper bound 0.893 — fine against 0.85 − 0.05
const bad = (i: number) => acc(i, 140); // 0.70, upper bound 0.758 < 0.80
const few = (i: number, correct = 10, labeled = 50) => acc(i, correct, labeled); // under min_labeled
const policy = (p: Partial<Policy>, base = ACC): Policy => ({ ...base, ...p });

describe('isBadWindow', () => {
  it('judges the upper bound of accuracy against baseline − tolerance', () => {
    expect(isBadWindow(bad(0), 0.85, ACC)).toEqual({ bad: true, threshold: expect.closeTo(0.8, 12) });
    expect(isBadWindow(good(0), 0.85, ACC)).toEqual({ bad: false, threshold: expect.closeTo(0.8, 12) });
    // The value is below the threshold but the interval reaches over it: not bad yet.
    const edge = acc(0, 78, 100); // 0.78, upper bound ≈ 0.853
    expect(edge.value!).toBeLessThan(0.8);
    expect(isBadWindow(edge, 0.85, ACC)!.bad).toBe(false);
  });

  it('too few labels, or no value, is not judged at all', () => {
    expect(isBadWindow(few(0, 0, 99), 0.85, ACC)).toBeNull();
    expect(isBadWindow(acc(0, 0, 0), 0.85, ACC)).toBeNull();
    expect(isBadWindow(acc(0, 0, 100), 0.85, ACC)!.bad).toBe(true);
  });

  it('without a baseline only a floor can make a window bad', () => {
    expect(isBadWindow(bad(0), null, ACC)!.bad).toBe(false);
    expect(isBadWindow(bad(0), null, policy({ floor: 0.75 }))).toEqual({ bad: true, threshold: 0.75 });
    expect(isBadWindow(good(0), null, policy({ floor: 0.75 }))!.bad).toBe(false);
  });

  it('falls back to the value when a window has no interval', () => {
    const w = { ...bad(0), interval: null };
    expect(isBadWindow(w, 0.85, ACC)!.bad).toBe(true);
    expect(isBadWindow({ ...w, value: 0.81 }, 0.85, ACC)!.bad).toBe(false);
  });
});

describe('evaluateVerdict', () => {
  it('healthy when every judged window is fine', () => {
    const v = evaluateVerdict([good(0), good(1), good(2)], 0.85, ACC);
    expect(v).toEqual({ state: 'healthy', needs_retraining: false, reasons: [] });
  });

  it('one bad window is watch; K = 2 consecutive flags, with the reason spelled out', () => {
    const one = evaluateVerdict([good(0), good(1), bad(2)], 0.85, ACC);
    expect(one.state).toBe('watch');
    expect(one.needs_retraining).toBe(false);
    expect(one.reasons).toHaveLength(1);
    expect(one.reasons[0]).toMatchObject({ metric: 'accuracy', window: day(2), since: day(2), baseline: 0.85, value: 0.7 });

    const two = evaluateVerdict([good(0), good(1), bad(2), bad(3)], 0.85, ACC);
    expect(two.state).toBe('needs_retraining');
    expect(two.needs_retraining).toBe(true);
    const r = two.reasons[0];
    expect(r).toMatchObject({ metric: 'accuracy', window: day(3), since: day(2), baseline: 0.85, value: 0.7, interval: wilson(140, 200) });
    expect(r.threshold).toBeCloseTo(0.8, 12);
    expect(r.message).toContain('accuracy 0.700');
    expect(r.message).toContain('0.800');
    expect(r.message).toContain('2026-11-03');
  });

  it('bad windows that are not consecutive do not flag', () => {
    const v = evaluateVerdict([bad(0), good(1), bad(2), good(3), bad(4)], 0.85, ACC);
    expect(v.state).toBe('watch');
    expect(v.reasons[0]).toMatchObject({ since: day(4) });
    // …and a bad window followed by a recovered one is healthy again.
    expect(evaluateVerdict([bad(0), good(1)], 0.85, ACC).state).toBe('healthy');
  });

  it('K is the policy’s: consecutive 3 needs three, consecutive 1 flags on one', () => {
    expect(evaluateVerdict([bad(0), bad(1)], 0.85, policy({ consecutive: 3 })).state).toBe('watch');
    expect(evaluateVerdict([bad(0), bad(1), bad(2)], 0.85, policy({ consecutive: 3 })).state).toBe('needs_retraining');
    expect(evaluateVerdict([good(0), bad(1)], 0.85, policy({ consecutive: 1 })).state).toBe('needs_retraining');
  });

  it('a flag stays through one recovered window and clears after K recovered windows', () => {
    const stays = evaluateVerdict([bad(0), bad(1), good(2)], 0.85, ACC);
    expect(stays.state).toBe('needs_retraining');
    expect(stays.reasons[0]).toMatchObject({ metric: 'accuracy', since: day(0), window: day(1) });
    const clears = evaluateVerdict([bad(0), bad(1), good(2), good(3)], 0.85, ACC);
    expect(clears).toEqual({ state: 'healthy', needs_retraining: false, reasons: [] });
    // A bad window between recoveries restarts the count.
    expect(evaluateVerdict([bad(0), bad(1), good(2), bad(3), good(4)], 0.85, ACC).state).toBe('needs_retraining');
  });

  it('windows with too few labels are neither bad nor recovered', () => {
    // They do not break a bad run…
    const run = evaluateVerdict([bad(0), few(1), bad(2), few(3)], 0.85, ACC);
    expect(run.state).toBe('needs_retraining');
    expect(run.reasons[0]).toMatchObject({ since: day(0), window: day(2) });
    // …nor count towards recovery…
    expect(evaluateVerdict([bad(0), bad(1), good(2), few(3, 50, 50)], 0.85, ACC).state).toBe('needs_retraining');
    // …and a terrible window with few labels is not bad.
    const fewOnly = evaluateVerdict([good(0), few(1, 0, 99)], 0.85, ACC);
    expect(fewOnly.state).toBe('insufficient_labels');
    expect(fewOnly.needs_retraining).toBe(false);
    expect(fewOnly.reasons).toEqual([expect.objectContaining({ metric: 'labeled', value: 99, threshold: 100, window: day(1) })]);
  });

  it('insufficient labels when nothing is judged; min_labeled is the policy’s', () => {
    expect(evaluateVerdict([], 0.85, ACC).state).toBe('insufficient_labels');
    expect(evaluateVerdict([few(0), few(1)], 0.85, ACC).state).toBe('insufficient_labels');
    expect(evaluateVerdict([few(0), few(1)], 0.85, policy({ min_labeled: 50 })).state).toBe('needs_retraining');
  });

  it('an absolute floor flags even without a baseline, and its reason names the floor', () => {
    const windows = [acc(0, 150), acc(1, 152)]; // 0.75, 0.76
    expect(evaluateVerdict(windows, null, ACC).state).toBe('healthy');
    const v = evaluateVerdict(windows, null, policy({ floor: 0.8 }));
    expect(v.state).toBe('needs_retraining');
    expect(v.reasons[0]).toMatchObject({ metric: 'accuracy', threshold: 0.8, baseline: null, since: day(0) });
    // A floor below the values changes nothing.
    expect(evaluateVerdict(windows, null, policy({ floor: 0.5 })).state).toBe('healthy');
  });

  it('regression: RMSE is bad when its lower bound is above baseline × (1 + tolerance)', () => {
    const rmse = (i: number, value: number, lo: number, hi: number): WindowEval => ({
      start: day(i),
      labeled: 500,
      value,
      interval: [lo, hi],
      datasetDrift: null,
      predictionDrift: null,
    });
    // Baseline 2 → threshold 2.2.
    expect(isBadWindow(rmse(0, 2.6, 2.3, 2.9), 2, RMSE)).toEqual({ bad: true, threshold: expect.closeTo(2.2, 12) });
    expect(isBadWindow(rmse(0, 2.6, 2.1, 3.1), 2, RMSE)!.bad).toBe(false); // the interval reaches under 2.2
    expect(isBadWindow(rmse(0, 1.0, 0.8, 1.2), 2, RMSE)!.bad).toBe(false); // lower RMSE is better
    const v = evaluateVerdict([rmse(0, 1.9, 1.7, 2.1), rmse(1, 2.6, 2.3, 2.9), rmse(2, 2.8, 2.5, 3.1)], 2, RMSE);
    expect(v.state).toBe('needs_retraining');
    expect(v.reasons[0]).toMatchObject({ metric: 'rmse', since: day(1), value: 2.8, baseline: 2 });
    expect(v.reasons[0].message).toContain('above');
    // A ceiling (floor for RMSE) above the values: fine; below: bad.
    expect(evaluateVerdict([rmse(0, 1.9, 1.7, 2.1), rmse(1, 1.95, 1.8, 2.1)], null, policy({ floor: 1.5 }, RMSE)).state).toBe('needs_retraining');
    expect(evaluateVerdict([rmse(0, 1.9, 1.7, 2.1), rmse(1, 1.95, 1.8, 2.1)], null, policy({ floor: 2.5 }, RMSE)).state).toBe('healthy');
  });

  it('dataset drift in the latest window is watch, with the drifted features ranked and since when', () => {
    const drifted = {
      share: 0.6,
      drifted: true,
      features: [
        { feature: 'monthly_spend', method: 'ks', score: 1e-9, psi: 1.1 },
        { feature: 'support_calls', method: 'ks', score: 1e-6, psi: 0.8 },
      ],
    };
    const calm = { share: 0.2, drifted: false, features: [] };
    const windows = [acc(0, 170, 200, { datasetDrift: calm }), acc(1, 170, 200, { datasetDrift: drifted }), acc(2, 170, 200, { datasetDrift: drifted })];
    const v = evaluateVerdict(windows, 0.85, ACC);
    expect(v.state).toBe('watch');
    expect(v.needs_retraining).toBe(false);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatchObject({ metric: 'dataset_drift', window: day(2), since: day(1), value: 0.6, threshold: 0.5 });
    expect(v.reasons[0].features!.map((f) => f.feature)).toEqual(['monthly_spend', 'support_calls']);
    expect(v.reasons[0].message).toContain('monthly_spend');
    // Drift that ended before the latest window says nothing.
    expect(evaluateVerdict([...windows, acc(3, 170, 200, { datasetDrift: calm })], 0.85, ACC).state).toBe('healthy');
  });

  it('prediction drift is watch; with a metric flag both reasons are listed', () => {
    const moved = { score: 0.2, drifted: true };
    const v = evaluateVerdict([good(0), acc(1, 170, 200, { predictionDrift: moved })], 0.85, ACC);
    expect(v.state).toBe('watch');
    expect(v.reasons).toEqual([expect.objectContaining({ metric: 'prediction_drift', value: 0.2, since: day(1) })]);
    expect(evaluateVerdict([good(0), acc(1, 170, 200, { predictionDrift: { score: 0.05, drifted: false } })], 0.85, ACC).state).toBe('healthy');

    const both = evaluateVerdict([bad(0), acc(1, 140, 200, { predictionDrift: moved })], 0.85, ACC);
    expect(both.state).toBe('needs_retraining');
    expect(both.reasons.map((r) => r.metric)).toEqual(['accuracy', 'prediction_drift']);
  });
});

describe('data quality', () => {
  const q = (rate: number) => ({ quality: { feature: 'age', kind: 'out_of_range' as const, count: Math.round(rate * 1000), rows: 1000, rate } });
  it('a rate above the policy threshold in the latest window is a watch reason, since the first such window', () => {
    const windows = [acc(0, 170, 200, q(0.01)), acc(1, 170, 200, q(0.08)), acc(2, 170, 200, q(0.071))];
    expect(evaluateVerdict(windows, 0.85, ACC).reasons).toEqual([]);
    const v = evaluateVerdict(windows, 0.85, policy({ quality_threshold: 0.05 }));
    expect(v.state).toBe('watch');
    expect(v.reasons).toEqual([
      {
        metric: 'data_quality',
        window: day(2),
        value: 0.071,
        interval: null,
        baseline: null,
        threshold: 0.05,
        since: day(1),
        message: 'feature age: 7.1 % of values outside the reference range (threshold 5.0 %)',
      },
    ]);
    // At or below the threshold, or recovered in the latest window: no reason.
    expect(evaluateVerdict([acc(0, 170, 200, q(0.05))], 0.85, policy({ quality_threshold: 0.05 })).reasons).toEqual([]);
    expect(evaluateVerdict([acc(0, 170, 200, q(0.2)), acc(1, 170, 200, q(0))], 0.85, policy({ quality_threshold: 0.05 })).state).toBe('healthy');
  });
});
