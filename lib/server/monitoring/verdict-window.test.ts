// The verdict's own windows (issue 11, point 3): the span as of a moment whatever a chart shows,
// the open window that waits for its labels, "since" followed back past the span to the start of
// the episode; and metrics judged in their own direction (point 5): log loss rises when worse.
import { describe, expect, it } from 'vitest';
import { wilson } from '../../metrics/intervals';
import { defaultPolicy, effectiveLookback, type Policy } from '../../schemas/monitoring';
import { episodeStart, evaluateVerdict, isBadWindow, keepOpenWindow, verdictSpan, type WindowEval } from '../../metrics/verdict';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const day = (i: number) => new Date(Date.UTC(2026, 2, 1 + i)).toISOString();
const ACC = defaultPolicy('binary_classification');
const acc = (i: number, correct: number, labeled = 200, extra: Partial<WindowEval> = {}): WindowEval => ({
  start: day(i),
  labeled,
  value: correct / labeled,
  interval: wilson(correct, labeled),
  datasetDrift: null,
  predictionDrift: null,
  ...extra,
});

describe('verdictSpan', () => {
  it('is lookback windows of the policy’s size ending with the one that holds the moment', () => {
    const asOf = Date.UTC(2026, 2, 26, 15, 30);
    const d = verdictSpan(asOf, DAY, 30);
    expect(new Date(d.to).toISOString()).toBe('2026-03-27T00:00:00.000Z');
    expect(new Date(d.from).toISOString()).toBe('2026-02-25T00:00:00.000Z');
    expect(new Date(d.openStart!).toISOString()).toBe('2026-03-26T00:00:00.000Z');
    // On a window boundary nothing is open.
    expect(verdictSpan(Date.UTC(2026, 2, 27), DAY, 30)).toMatchObject({ to: Date.UTC(2026, 2, 27), openStart: null });
    expect(verdictSpan(asOf, HOUR, 48).to - verdictSpan(asOf, HOUR, 48).from).toBe(48 * HOUR);
  });

  it('does not depend on anything a chart chooses: only the moment and the policy', () => {
    // The same moment gives the same span; the chart's range and bucket are not inputs at all.
    expect(verdictSpan(Date.UTC(2026, 2, 26, 9), DAY, effectiveLookback(ACC))).toEqual(verdictSpan(Date.UTC(2026, 2, 26, 23), DAY, effectiveLookback(ACC)));
  });

  it('lookback: the policy’s, else 30 windows or 4 × consecutive when that is more', () => {
    expect(effectiveLookback({ lookback: null, consecutive: 2 })).toBe(30);
    expect(effectiveLookback({ lookback: null, consecutive: 12 })).toBe(48);
    expect(effectiveLookback({ lookback: 7, consecutive: 2 })).toBe(7);
  });
});

describe('keepOpenWindow', () => {
  it('keeps the open window once it can be judged, or when it is all there is', () => {
    expect(
      keepOpenWindow(
        [
          { count: 400, labeled: 240 },
          { count: 40, labeled: 3 },
        ],
        100,
      ),
    ).toBe(false);
    expect(
      keepOpenWindow(
        [
          { count: 400, labeled: 240 },
          { count: 300, labeled: 120 },
        ],
        100,
      ),
    ).toBe(true);
    expect(
      keepOpenWindow(
        [
          { count: 0, labeled: 0 },
          { count: 50, labeled: 10 },
        ],
        100,
      ),
    ).toBe(true);
  });

  it('a morning with few labels so far leaves a healthy model healthy (the old latest-window rule said insufficient)', () => {
    const closed = [acc(0, 170), acc(1, 172)];
    const morning = acc(2, 3, 4);
    const windows = [...closed, morning].map((w) => ({ count: 250, labeled: w.labeled }));
    const judged = keepOpenWindow(windows, ACC.min_labeled) ? [...closed, morning] : closed;
    expect(evaluateVerdict(judged, 0.85, ACC).state).toBe('healthy');
  });
});

describe('episodeStart', () => {
  const bad = (i: number) => acc(i, 140);
  const good = (i: number) => acc(i, 170);

  it('follows a metric episode back over bad windows and windows too thin to judge, to the first bad one', () => {
    const reason = evaluateVerdict([bad(10), bad(11)], 0.85, ACC).reasons[0];
    expect(reason.since).toBe(day(10));
    expect(episodeStart([good(5), bad(6), acc(7, 10, 50), bad(8), bad(9)], reason, 0.85, ACC)).toBe(day(6));
    expect(episodeStart([bad(8), good(9)], reason, 0.85, ACC)).toBe(day(10));
  });

  it('follows a drift episode back while the windows drifted', () => {
    const drifted = { share: 0.6, drifted: true, features: [] };
    const calm = { share: 0.1, drifted: false, features: [] };
    const v = evaluateVerdict([acc(10, 170, 200, { datasetDrift: drifted })], 0.85, ACC);
    const reason = v.reasons.find((r) => r.metric === 'dataset_drift')!;
    expect(
      episodeStart(
        [acc(7, 170, 200, { datasetDrift: calm }), acc(8, 170, 200, { datasetDrift: drifted }), acc(9, 170, 200, { datasetDrift: drifted })],
        reason,
        0.85,
        ACC,
      ),
    ).toBe(day(8));
  });
});

describe('metric directions in the verdict', () => {
  const LOG_LOSS: Policy = { ...ACC, metric: 'log_loss', tolerance: 0.25 };
  const w = (i: number, value: number, lo: number, hi: number): WindowEval => ({
    start: day(i),
    labeled: 500,
    value,
    interval: [lo, hi],
    datasetDrift: null,
    predictionDrift: null,
  });

  it('log loss: bad when its lower bound is above baseline × (1 + tolerance); lower is better', () => {
    // Baseline 0.4 → threshold 0.5.
    expect(isBadWindow(w(0, 0.62, 0.55, 0.69), 0.4, LOG_LOSS)).toEqual({ bad: true, threshold: expect.closeTo(0.5, 12) });
    expect(isBadWindow(w(0, 0.56, 0.48, 0.64), 0.4, LOG_LOSS)!.bad).toBe(false);
    expect(isBadWindow(w(0, 0.2, 0.15, 0.25), 0.4, LOG_LOSS)!.bad).toBe(false);
    const v = evaluateVerdict([w(0, 0.62, 0.55, 0.69), w(1, 0.7, 0.6, 0.8)], 0.4, LOG_LOSS);
    expect(v.state).toBe('needs_retraining');
    expect(v.reasons[0].message).toContain('log_loss 0.700');
    expect(v.reasons[0].message).toContain('above 0.500');
  });

  it('ROC AUC and per-class recall: bad when the upper bound is below baseline − tolerance', () => {
    const auc: Policy = { ...ACC, metric: 'roc_auc', tolerance: 0.03 };
    expect(isBadWindow(w(0, 0.8, 0.77, 0.84), 0.9, auc)).toEqual({ bad: true, threshold: expect.closeTo(0.87, 12) });
    const recall: Policy = { ...ACC, metric: 'recall.churns' };
    expect(isBadWindow(w(0, 0.6, 0.55, 0.65), 0.75, recall)!.bad).toBe(true);
    expect(isBadWindow(w(0, 0.72, 0.66, 0.78), 0.75, recall)!.bad).toBe(false);
  });

  it('R² (a score without an interval) is judged on its value', () => {
    const r2: Policy = { ...defaultPolicy('regression'), metric: 'r2', tolerance: 0.1 };
    expect(isBadWindow({ ...w(0, 0.55, 0, 0), interval: null }, 0.7, r2)).toEqual({ bad: true, threshold: expect.closeTo(0.6, 12) });
    expect(isBadWindow({ ...w(0, 0.65, 0, 0), interval: null }, 0.7, r2)!.bad).toBe(false);
  });
});
