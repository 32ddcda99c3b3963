import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelay } from './backoff';

describe('delivery backoff', () => {
  it('waits 10 s, 30 s, 90 s, 270 s… at the default base, capped at an hour', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, 10_000))).toEqual([10_000, 30_000, 90_000, 270_000, 810_000]);
    expect(retryDelay(20, 10_000)).toBe(3_600_000);
  });

  it('tries for at least 10 minutes and at least 5 attempts, then gives up', () => {
    const base = 10_000;
    const created = 0;
    let now = 0;
    let attempts = 0;
    const times: number[] = [];
    for (;;) {
      times.push(now);
      attempts++;
      const next = nextAttemptAt({ attempts, createdAt: created, now, baseMs: base });
      if (next === null) break;
      now = next;
    }
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(times[times.length - 1] - created).toBeGreaterThanOrEqual(10 * 60_000);
    // attempts at 0, 10 s, 40 s, 130 s, 400 s, 1210 s: the 6th is the first past 10 minutes
    expect(times).toEqual([0, 10_000, 40_000, 130_000, 400_000, 1_210_000]);
  });

  it('five quick failures within the window are retried, not given up', () => {
    expect(nextAttemptAt({ attempts: 5, createdAt: 0, now: 599_999, baseMs: 10_000 })).not.toBeNull();
    expect(nextAttemptAt({ attempts: 4, createdAt: 0, now: 10_000_000, baseMs: 10_000 })).not.toBeNull();
    expect(nextAttemptAt({ attempts: 5, createdAt: 0, now: 600_000, baseMs: 10_000 })).toBeNull();
  });
});
