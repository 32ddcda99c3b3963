// The overview's rules: search by name or description, filter by the verdict's badge state (no
// labels yet apart from too few), and the sorts.
import { describe, expect, it } from 'vitest';
import type { ModelSummaryDto } from '@/lib/schemas/registry';
import { overviewRows, statesPresent } from './overview-list';

const model = (name: string, over: Partial<ModelSummaryDto> = {}): ModelSummaryDto => ({
  name,
  task: 'regression',
  description: '',
  labels: null,
  created_at: '2026-03-01T00:00:00Z',
  updated_at: '2026-03-01T00:00:00Z',
  aliases: { production: 1 },
  splits: {},
  shadows: [],
  latest_version: 1,
  version_count: 1,
  needs_retraining: false,
  retraining_reason: null,
  verdict: null,
  traffic: { daily: [], last_7_days: 0, last_prediction_at: null },
  ...over,
});
const verdict = (state: 'healthy' | 'watch' | 'needs_retraining' | 'insufficient_labels', firstLabel: string | null = '2026-03-01T00:00:00Z') => ({
  state,
  version: 1,
  reason: null,
  since: null,
  labeled: 0,
  first_label: firstLabel,
  evaluated_at: '',
});

const models = [
  model('churn', {
    description: 'who cancels',
    verdict: verdict('needs_retraining'),
    traffic: { daily: [], last_7_days: 50, last_prediction_at: '2026-03-05T00:00:00Z' },
  }),
  model('fraud', { verdict: verdict('insufficient_labels', null), traffic: { daily: [], last_7_days: 900, last_prediction_at: '2026-03-07T00:00:00Z' } }),
  model('price', { verdict: verdict('healthy'), updated_at: '2026-03-09T00:00:00Z' }),
  model('draft', { aliases: {} }),
  model('eta', { verdict: verdict('insufficient_labels') }),
];
const names = (rows: ModelSummaryDto[]) => rows.map((m) => m.name);

describe('overviewRows', () => {
  it('searches name and description', () => {
    expect(names(overviewRows(models, { search: 'CANCEL', state: 'all', sort: 'name' }))).toEqual(['churn']);
    expect(names(overviewRows(models, { search: 'ra', state: 'all', sort: 'name' }))).toEqual(['draft', 'fraud']);
  });

  it('filters by state: no labels yet is not too few labels', () => {
    expect(names(overviewRows(models, { search: '', state: 'no_labels', sort: 'name' }))).toEqual(['fraud']);
    expect(names(overviewRows(models, { search: '', state: 'insufficient_labels', sort: 'name' }))).toEqual(['eta']);
    expect(names(overviewRows(models, { search: '', state: 'not_served', sort: 'name' }))).toEqual(['draft']);
  });

  it('sorts by urgency, traffic, latest prediction, update', () => {
    expect(names(overviewRows(models, { search: '', state: 'all', sort: 'attention' }))).toEqual(['churn', 'eta', 'fraud', 'price', 'draft']);
    expect(names(overviewRows(models, { search: '', state: 'all', sort: 'traffic' }))[0]).toBe('fraud');
    expect(names(overviewRows(models, { search: '', state: 'all', sort: 'recent' })).slice(0, 2)).toEqual(['fraud', 'churn']);
    expect(names(overviewRows(models, { search: '', state: 'all', sort: 'updated' }))[0]).toBe('price');
    expect(statesPresent(models)).toEqual(['needs_retraining', 'insufficient_labels', 'no_labels', 'healthy', 'not_served']);
  });
});
