// The verdict in words: "no labels yet" is grey and distinct from too few labels; the healthy
// banner states the drift it sees instead of claiming stable inputs.
import { describe, expect, it } from 'vitest';
import type { VerdictDto } from '@/lib/schemas/monitoring';
import { badgeState, driftSentence, VERDICT_BADGES, verdictLine, verdictSummary } from './verdict-words';

const verdict = (over: Partial<VerdictDto>): VerdictDto => ({
  state: 'healthy',
  needs_retraining: false,
  reasons: [],
  version: 2,
  metric: 'accuracy',
  baseline: 0.85,
  threshold: 0.8,
  bucket: 'day',
  lookback: 30,
  from: '',
  to: '',
  as_of: '',
  labeled: 3000,
  count: 3600,
  coverage: 3000 / 3600,
  latest: null,
  first_label: '2026-03-01T00:00:00.000Z',
  drift: null,
  evaluated_at: '',
  ...over,
});
const POLICY = { min_labeled: 100, consecutive: 2 };

describe('badgeState', () => {
  it('no outcomes ever is "No labels yet" (grey); some but too few is "Too few labels" (grey)', () => {
    expect(badgeState(verdict({ state: 'insufficient_labels', first_label: null, labeled: 0 }))).toBe('no_labels');
    expect(VERDICT_BADGES.no_labels).toEqual({ label: 'No labels yet', tone: 'neutral' });
    expect(badgeState(verdict({ state: 'insufficient_labels', labeled: 40 }))).toBe('insufficient_labels');
    expect(VERDICT_BADGES.insufficient_labels.tone).toBe('neutral');
    expect(badgeState(null)).toBe('pending');
    expect(badgeState(null, false)).toBe('not_served');
  });
});

describe('verdictSummary', () => {
  it('healthy with drift below the share says how many drifted, never "inputs are stable"', () => {
    const v = verdict({ drift: { window: '', drifted: 5, features: 30, share: 5 / 30, threshold: 0.5, ranked: [] } });
    const s = verdictSummary(v, POLICY);
    expect(s).toContain('5 of 30 features drifted in the latest daily window, below the 50 % share that flags dataset drift.');
    expect(s).not.toMatch(/stable/);
  });

  it('says when no feature drifted, and when the share is reached', () => {
    expect(driftSentence(verdict({ drift: { window: '', drifted: 0, features: 5, share: 0, threshold: 0.5, ranked: [] } }))).toBe(
      'No feature drifted in the latest daily window (5 watched).',
    );
    expect(driftSentence(verdict({ bucket: 'hour', drift: { window: '', drifted: 3, features: 5, share: 0.6, threshold: 0.5, ranked: [] } }))).toBe(
      '3 of 5 features drifted in the latest hourly window: 60 %, at or above the 50 % share that flags dataset drift.',
    );
  });

  it('no labels yet and too few labels read differently', () => {
    expect(verdictSummary(verdict({ state: 'insufficient_labels', first_label: null, labeled: 0 }), POLICY)).toMatch(
      /^No outcomes have been reported for v2 yet/,
    );
    expect(verdictSummary(verdict({ state: 'insufficient_labels', labeled: 40 }), POLICY)).toMatch(
      /^40 labeled rows in the last 30 daily windows; a window needs 100/,
    );
  });
});

describe('verdictLine', () => {
  it('no labels yet awaits outcomes instead of repeating the "insufficient" reason', () => {
    const v = verdict({
      state: 'insufficient_labels',
      first_label: null,
      labeled: 0,
      reasons: [
        {
          metric: 'labeled',
          window: '',
          value: 0,
          interval: null,
          baseline: null,
          threshold: 100,
          since: '',
          message: '0 labeled rows in the latest window; a verdict needs 100',
        },
      ],
    });
    expect(verdictLine(v)).toBe('No outcomes reported for v2 yet.');
    expect(verdictLine({ ...v, first_label: '2026-03-01T00:00:00.000Z' })).toBe('0 labeled rows in the latest window; a verdict needs 100');
    expect(verdictLine({ state: 'needs_retraining', first_label: 'x', version: 1, reason: 'accuracy 0.6 …' })).toBe('accuracy 0.6 …');
  });
});
