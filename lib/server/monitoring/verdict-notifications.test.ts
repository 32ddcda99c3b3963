// Verdict transitions become webhook events once per transition, never once per window or refresh.
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.MODELDOCK_SECRET_KEY = Buffer.alloc(32, 9).toString('hex');
  process.env.PUBLIC_URL = 'https://md.example.com';
});

import type { Reason, VerdictDto } from '../../schemas/monitoring';
import { verdictNotifications } from './verdict-notifications';

const reason = (metric: string, since: string): Reason => ({
  metric,
  window: '2026-01-29T00:00:00.000Z',
  value: 0.7,
  interval: [0.68, 0.72],
  baseline: 0.82,
  threshold: 0.77,
  since,
  message: `${metric} is off since ${since.slice(0, 10)}`,
});

function verdict(state: VerdictDto['state'], reasons: Reason[] = [], version = 1): VerdictDto {
  return {
    state,
    needs_retraining: state === 'needs_retraining',
    reasons,
    version,
    metric: 'accuracy',
    baseline: 0.82,
    threshold: 0.77,
    bucket: 'day',
    lookback: 30,
    from: '2026-01-01T00:00:00.000Z',
    to: '2026-01-31T00:00:00.000Z',
    as_of: '2026-01-30T12:00:00.000Z',
    labeled: 5000,
    count: 6000,
    coverage: 5000 / 6000,
    latest: null,
    first_label: '2026-01-01T00:00:00.000Z',
    drift: null,
    evaluated_at: '2026-01-30T12:00:00.000Z',
  };
}
const stored = (v: VerdictDto) => v as unknown as Record<string, unknown>;
const types = (prev: VerdictDto | null, next: VerdictDto | null) => verdictNotifications('churn', prev && stored(prev), next).map((e) => e.type);

describe('verdict notifications', () => {
  const bad = verdict('needs_retraining', [reason('accuracy', '2026-01-16T00:00:00.000Z'), reason('dataset_drift', '2026-01-15T00:00:00.000Z')]);

  it('turning to needs retraining is one model.needs_retraining with the reasons and a signed export of the bad windows', () => {
    const events = verdictNotifications('churn', stored(verdict('healthy')), bad, Date.UTC(2026, 0, 30));
    expect(events.map((e) => e.type)).toEqual(['model.needs_retraining', 'model.drift']);
    const e = events[0];
    expect(e.model).toBe('churn');
    expect(e.version).toBe(1);
    expect(e.data.reasons).toEqual(bad.reasons);
    expect(e.data.previous_state).toBe('healthy');
    expect(e.data.monitoring_url).toBe('https://md.example.com/models/churn/monitoring');
    const url = new URL(e.data.export_url as string);
    expect(url.pathname).toBe('/api/v1/models/churn/predictions/export');
    // from the first bad window of the judged metric's episode to the end of the verdict's span
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      version: '1',
      from: '2026-01-16T00:00:00.000Z',
      to: '2026-01-31T00:00:00.000Z',
      labeled: 'true',
      format: 'csv',
    });
    expect(new URL((e.data.export_urls as { parquet: string }).parquet).searchParams.get('format')).toBe('parquet');
    expect(e.data.export_expires_at).toBe('2026-02-06T00:00:00.000Z');
  });

  it('the same state again (every refresh, every new window) is nothing', () => {
    expect(
      types(bad, { ...bad, reasons: [reason('accuracy', '2026-01-16T00:00:00.000Z'), reason('dataset_drift', '2026-01-15T00:00:00.000Z')], as_of: 'later' }),
    ).toEqual([]);
    expect(types(verdict('healthy'), verdict('healthy'))).toEqual([]);
    expect(types(verdict('watch', [reason('accuracy', 'x')]), verdict('watch', [reason('accuracy', 'y')]))).toEqual([]);
  });

  it('watch, recovery, drift starting', () => {
    expect(types(verdict('healthy'), verdict('watch', [reason('accuracy', 'x')]))).toEqual(['model.watch']);
    expect(types(verdict('watch'), bad)).toEqual(['model.needs_retraining', 'model.drift']);
    expect(types(bad, verdict('healthy'))).toEqual(['model.recovered']);
    expect(types(verdict('watch'), verdict('healthy'))).toEqual(['model.recovered']);
    // Too few labels is no recovery: nothing is sent, from either alarm.
    expect(types(verdict('watch'), verdict('insufficient_labels'))).toEqual([]);
    expect(types(bad, verdict('insufficient_labels'))).toEqual([]);
    expect(types(verdict('insufficient_labels'), verdict('healthy'))).toEqual([]);
    expect(types(verdict('watch', [reason('accuracy', 'x')]), verdict('watch', [reason('dataset_drift', 'x')]))).toEqual(['model.drift']);
    expect(types(null, verdict('insufficient_labels'))).toEqual([]);
    expect(types(bad, null)).toEqual([]);
  });

  it('a new production version is a verdict of its own', () => {
    expect(types(bad, { ...bad, version: 2 })).toEqual(['model.needs_retraining', 'model.drift']);
    expect(types(bad, verdict('healthy', [], 2))).toEqual(['model.recovered']);
    expect(types(bad, verdict('insufficient_labels', [], 2))).toEqual([]);
  });
});
