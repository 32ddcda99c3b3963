// Model health on /metrics: stored verdicts read into gauges (values, one-hot state, absent series
// for null figures, dropped series once a verdict is gone, the model cap) and the outcome counter,
// scraped from a ServingMetrics registry of the test's own.
import { describe, expect, it } from 'vitest';
import { ServingMetrics } from '../../runtime/metrics';
import type { ModelHealth } from '../../runtime/model-health-metrics';
import type { VerdictDto } from '../../schemas/monitoring';
import { healthOf } from './model-health';

const verdict = (over: Partial<VerdictDto> = {}): VerdictDto => ({
  state: 'needs_retraining',
  needs_retraining: true,
  reasons: [],
  version: 3,
  metric: 'accuracy',
  baseline: 0.85,
  threshold: 0.8,
  bucket: 'day',
  lookback: 30,
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-31T00:00:00.000Z',
  as_of: '2026-03-30T12:00:00.000Z',
  labeled: 600,
  count: 800,
  coverage: 0.75,
  latest: { window: '2026-03-29T00:00:00.000Z', value: 0.7, labeled: 200 },
  first_label: '2026-03-01T00:00:00.000Z',
  drift: { window: '2026-03-29T00:00:00.000Z', drifted: 1, features: 4, share: 0.25, threshold: 0.5, ranked: [] },
  evaluated_at: '2026-03-30T12:00:00.000Z',
  ...over,
});
const stored = (v: VerdictDto) => v as unknown as Record<string, unknown>;

/** Every sample of a scrape: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const series = (text: string, prefix: string) => [...samples(text)].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => a.localeCompare(b));

describe('healthOf (a stored verdict as gauge values)', () => {
  it('reads state, flag, latest judged value, baseline, threshold, coverage and drift share', () => {
    expect(healthOf('churn', stored(verdict()))).toEqual({
      model: 'churn',
      version: 3,
      state: 'needs_retraining',
      needsRetraining: true,
      metric: 'accuracy',
      value: 0.7,
      baseline: 0.85,
      threshold: 0.8,
      coverage: 0.75,
      driftShare: 0.25,
    });
  });

  it('reads figures a verdict does not have (yet) as null: no labels, no reference, stored before the field existed', () => {
    const v = stored(
      verdict({ state: 'insufficient_labels', needs_retraining: false, baseline: null, threshold: null, latest: null, drift: null, coverage: null }),
    );
    expect(healthOf('m', v)).toMatchObject({
      state: 'insufficient_labels',
      needsRetraining: false,
      value: null,
      baseline: null,
      threshold: null,
      coverage: null,
      driftShare: null,
    });
    const old = stored(verdict());
    delete old.latest;
    delete old.coverage;
    delete old.count;
    expect(healthOf('m', old)).toMatchObject({ value: null, coverage: null, baseline: 0.85 });
  });

  it('refuses what is not a verdict', () => {
    expect(healthOf('m', { state: 'broken', version: 1, metric: 'accuracy' })).toBeNull();
    expect(healthOf('m', { state: 'healthy', metric: 'accuracy' })).toBeNull();
  });
});

describe('model health gauges', () => {
  it('equal the verdicts, one-hot by state, omit null figures, and drop a model whose verdict is gone', async () => {
    const metrics = new ServingMetrics();
    let rows: ModelHealth[] = [
      healthOf('churn', stored(verdict()))!,
      healthOf('fresh', stored(verdict({ version: 1, state: 'insufficient_labels', needs_retraining: false, latest: null, coverage: 0, drift: null })))!,
    ];
    metrics.modelHealth.observe(() => rows);
    let text = await metrics.registry.metrics();
    expect(series(text, 'modeldock_model_needs_retraining')).toEqual([
      ['modeldock_model_needs_retraining{model="churn",version="3"}', 1],
      ['modeldock_model_needs_retraining{model="fresh",version="1"}', 0],
    ]);
    expect(series(text, 'modeldock_model_state{model="churn"')).toEqual([
      ['modeldock_model_state{model="churn",version="3",state="healthy"}', 0],
      ['modeldock_model_state{model="churn",version="3",state="insufficient_labels"}', 0],
      ['modeldock_model_state{model="churn",version="3",state="needs_retraining"}', 1],
      ['modeldock_model_state{model="churn",version="3",state="watch"}', 0],
    ]);
    expect(series(text, 'modeldock_model_metric')).toEqual([['modeldock_model_metric{model="churn",version="3",metric="accuracy"}', 0.7]]);
    expect(series(text, 'modeldock_model_baseline{model="churn"')).toEqual([['modeldock_model_baseline{model="churn",version="3",metric="accuracy"}', 0.85]]);
    expect(series(text, 'modeldock_model_threshold{model="churn"')).toEqual([['modeldock_model_threshold{model="churn",version="3",metric="accuracy"}', 0.8]]);
    expect(series(text, 'modeldock_model_labeled_coverage')).toEqual([
      ['modeldock_model_labeled_coverage{model="churn",version="3"}', 0.75],
      ['modeldock_model_labeled_coverage{model="fresh",version="1"}', 0],
    ]);
    expect(series(text, 'modeldock_model_drift_share')).toEqual([['modeldock_model_drift_share{model="churn",version="3"}', 0.25]]);

    // The next scrape reads again: fresh is gone, churn recovered.
    rows = [healthOf('churn', stored(verdict({ state: 'healthy', needs_retraining: false })))!];
    text = await metrics.registry.metrics();
    expect(series(text, 'modeldock_model_needs_retraining')).toEqual([['modeldock_model_needs_retraining{model="churn",version="3"}', 0]]);
    expect(series(text, 'modeldock_model_state{model="churn",version="3",state="healthy"}')).toEqual([
      ['modeldock_model_state{model="churn",version="3",state="healthy"}', 1],
    ]);
    expect(text).not.toContain('model="fresh"');
  });

  it('read once per scrape, ask for at most MAX_LABELLED_VERSIONS models and keep no more series than that', async () => {
    const metrics = new ServingMetrics();
    const limits: number[] = [];
    const many = Array.from({ length: 2100 }, (_, i) => healthOf(`m${i}`, stored(verdict({ version: 1 })))!);
    metrics.modelHealth.observe((limit) => {
      limits.push(limit);
      return many;
    });
    const text = await metrics.registry.metrics();
    expect(limits).toEqual([2000]);
    expect(series(text, 'modeldock_model_needs_retraining')).toHaveLength(2000);
    expect(series(text, 'modeldock_model_state')).toHaveLength(4 * 2000);
    await metrics.registry.metrics();
    expect(limits).toEqual([2000, 2000]);
  });

  it('count outcomes by result, every result present from the start', async () => {
    const metrics = new ServingMetrics();
    let text = await metrics.registry.metrics();
    expect(series(text, 'modeldock_outcomes_total')).toEqual([
      ['modeldock_outcomes_total{result="accepted"}', 0],
      ['modeldock_outcomes_total{result="invalid"}', 0],
      ['modeldock_outcomes_total{result="unknown"}', 0],
      ['modeldock_outcomes_total{result="updated"}', 0],
    ]);
    metrics.modelHealth.countOutcomes({ accepted: 5, updated: 2, unknown: 1, invalid: 0 });
    metrics.modelHealth.countOutcomes({ accepted: 1, updated: 0, unknown: 0, invalid: 3 });
    text = await metrics.registry.metrics();
    expect(series(text, 'modeldock_outcomes_total')).toEqual([
      ['modeldock_outcomes_total{result="accepted"}', 6],
      ['modeldock_outcomes_total{result="invalid"}', 3],
      ['modeldock_outcomes_total{result="unknown"}', 1],
      ['modeldock_outcomes_total{result="updated"}', 2],
    ]);
  });

  it('leave no gauge named _total (prom-client default metrics), so promtool accepts the names', async () => {
    const metrics = new ServingMetrics();
    const text = await metrics.registry.metrics();
    const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
    expect(gauges.length).toBeGreaterThan(10);
    expect(gauges.filter((n) => n.endsWith('_total'))).toEqual([]);
    expect(gauges).toContain('modeldock_nodejs_active_handles');
  });
});
