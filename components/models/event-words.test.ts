// Every timeline event kind reads as words, never as its raw kind; a move keeps its reason.
import { describe, expect, it } from 'vitest';
import { EVENT_KINDS } from '@/lib/schemas/events';
import { describeEvent, eventComment } from './event-words';

describe('describeEvent', () => {
  it.each(EVENT_KINDS.map((k) => [k]))('%s is described in words', (kind) => {
    const text = describeEvent(kind, {
      version: 2,
      alias: 'production',
      from: 1,
      to: 2,
      task: 'regression',
      key: 'ci',
      username: 'admin',
      model: 'm',
      policy: null,
    });
    expect(text).not.toContain(kind);
    expect(text).not.toMatch(/undefined/);
    expect(text.length).toBeGreaterThan(5);
  });

  it('policy edits say what the policy now is, or that it went back to the defaults', () => {
    expect(
      describeEvent('policy_updated', {
        policy: { metric: 'roc_auc', tolerance: 0.03, floor: null, min_labeled: 50, consecutive: 2, bucket: 'day', drift_share: 0.5, lookback: null },
      }),
    ).toBe('Retraining policy saved: judged on ROC AUC, tolerance 0.03, 50 labels a window, 2 consecutive daily windows, drift share 50 %');
    expect(describeEvent('policy_updated', { policy: null })).toBe('Retraining policy reset to the defaults');
  });

  it('a rollback, a split champion, and an unknown kind', () => {
    expect(describeEvent('alias_moved', { alias: 'production', from: 3, to: 2, reason: 'rollback' })).toBe('production rolled back: v3 → v2');
    expect(describeEvent('alias_moved', { alias: 'production', from: 1, to: 1, reason: 'split' })).toBe("production split's champion: v1 → v1");
    expect(describeEvent('webhook_added', {})).toBe('Webhook added');
  });

  it('an erasure shows the keyed digest of the id (an older event its plain hash)', () => {
    expect(describeEvent('predictions_erased', { client_id_hmac: 'ab'.repeat(32), rows: 4 })).toBe(
      'Erased 4 logged predictions of a client id on request (HMAC abababababab…)',
    );
    expect(describeEvent('predictions_erased', { client_id_sha256: 'cd'.repeat(32), rows: 1 })).toBe(
      'Erased 1 logged prediction of a client id on request (SHA-256 cdcdcdcdcdcd…)',
    );
  });

  it('keeps the user’s reason apart from the machine one', () => {
    expect(eventComment({ reason: 'rollback', comment: 'v3 doubled the latency' })).toBe('v3 doubled the latency');
    expect(eventComment({ reason: 'rollback' })).toBeNull();
  });
});
