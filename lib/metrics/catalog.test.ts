// The metric table: directions (log loss and the error metrics fall when better), thresholds on
// either side of the baseline, which metrics a task may be judged on, and offline baseline names.
import { describe, expect, it } from 'vitest';
import { higherIsBetter, metricInfo, metricProblem, metricsFor, offlineMetric, thresholdFor } from './catalog';

describe('metric directions', () => {
  it.each([
    ['accuracy', true],
    ['roc_auc', true],
    ['macro_f1', true],
    ['precision.churns', true],
    ['recall.a.b', true],
    ['f1.x', true],
    ['r2', true],
    ['log_loss', false],
    ['rmse', false],
    ['mae', false],
    ['mape', false],
  ])('%s: higher is better = %s', (name, higher) => {
    expect(higherIsBetter(name)).toBe(higher);
  });

  it('per-class names keep everything after the first dot as the class', () => {
    expect(metricInfo('recall.a.b')).toMatchObject({ cls: 'a.b', label: 'Recall (a.b)' });
    expect(metricInfo('precision.')).toBeNull();
    expect(metricInfo('toString')).toBeNull();
    expect(metricInfo('accuracy.x')).toBeNull();
  });
});

describe('thresholdFor', () => {
  it('absolute scores move by the tolerance; losses by a share of the baseline', () => {
    expect(thresholdFor('accuracy', 0.85, 0.05)).toBeCloseTo(0.8, 12);
    expect(thresholdFor('roc_auc', 0.9, 0.02)).toBeCloseTo(0.88, 12);
    expect(thresholdFor('rmse', 2, 0.1)).toBeCloseTo(2.2, 12);
    expect(thresholdFor('log_loss', 0.4, 0.25)).toBeCloseTo(0.5, 12);
    expect(thresholdFor('r2', 0.7, 0.1)).toBeCloseTo(0.6, 12);
  });
});

describe('metricProblem', () => {
  it('accepts what the task computes and names what it does not', () => {
    expect(metricProblem('roc_auc', 'binary_classification', null)).toBeNull();
    expect(metricProblem('roc_auc', 'multiclass_classification', null)).toMatch(/binary models only/);
    expect(metricProblem('rmse', 'binary_classification', null)).toMatch(/judged on one of/);
    expect(metricProblem('r2', 'regression', null)).toBeNull();
    expect(metricProblem('precision.churns', 'binary_classification', ['stays', 'churns'])).toBeNull();
    expect(metricProblem('precision.maybe', 'binary_classification', ['stays', 'churns'])).toMatch(/not one of the model's labels/);
    expect(metricProblem('precision.any', 'binary_classification', null)).toBeNull();
    expect(metricProblem('auc_pr', 'binary_classification', null)).toMatch(/not a metric/);
  });

  it('lists per-class metrics for each class', () => {
    expect(metricsFor('binary_classification', ['no', 'yes'])).toEqual(
      expect.arrayContaining(['accuracy', 'roc_auc', 'log_loss', 'precision.yes', 'recall.no', 'f1.yes']),
    );
    expect(metricsFor('multiclass_classification', [])).not.toContain('roc_auc');
    expect(metricsFor('regression', ['x'])).toEqual(['rmse', 'mae', 'mape', 'r2']);
  });
});

describe('offlineMetric', () => {
  it('reads the same name, then scikit-learn style aliases', () => {
    expect(offlineMetric({ roc_auc: 0.91, auc: 0.5 }, 'roc_auc')).toBe(0.91);
    expect(offlineMetric({ auc: 0.88 }, 'roc_auc')).toBe(0.88);
    expect(offlineMetric({ f1_macro: 0.7 }, 'macro_f1')).toBe(0.7);
    expect(offlineMetric({ accuracy: 0.9 }, 'log_loss')).toBeNull();
  });
});
