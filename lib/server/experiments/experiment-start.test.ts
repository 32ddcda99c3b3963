// Since when two versions have been compared: the unbroken run of split or shadow events that
// holds them now, newest first; a re-weighting continues the experiment, an end breaks it.
import { describe, expect, it } from 'vitest';
import { experimentStart, type TrafficEvent } from './experiment-start';

const t = (h: number) => Date.UTC(2026, 2, 1, h);
const split = (h: number, versions: number[]): TrafficEvent => ({
  ts: t(h),
  kind: 'split_set',
  detail: { alias: 'production', versions: versions.map((v) => ({ version: v, weight: 50 })) },
});
const shadow = (h: number, versions: number[]): TrafficEvent => ({ ts: t(h), kind: 'shadow_set', detail: { versions } });

describe('experimentStart', () => {
  it('a split re-weighted twice began with its first split_set; one before an end does not count', () => {
    const events = [split(9, [1, 2]), split(5, [1, 2]), split(3, [1, 2]), { ts: t(2), kind: 'split_ended', detail: { alias: 'production' } }, split(1, [1, 2])];
    expect(experimentStart(events, 1, 2, { shadows: [], productionSplit: [1, 2] })).toEqual({ kind: 'split', started_at: new Date(t(3)).toISOString() });
  });

  it('a shadow that was listed since hour 4 (another version joined later) began at hour 4', () => {
    const events = [shadow(8, [2, 3]), shadow(4, [2]), { ts: t(3), kind: 'shadow_ended', detail: { from: [2] } }, shadow(1, [2])];
    expect(experimentStart(events, 1, 2, { shadows: [2, 3], productionSplit: [] })).toEqual({ kind: 'shadow', started_at: new Date(t(4)).toISOString() });
  });

  it('no running split or shadow: none', () => {
    expect(experimentStart([split(1, [1, 2])], 1, 2, { shadows: [], productionSplit: [] })).toBeNull();
    expect(experimentStart([split(1, [1, 3])], 1, 2, { shadows: [], productionSplit: [1, 3] })).toBeNull();
  });
});
