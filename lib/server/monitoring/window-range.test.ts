import { describe, expect, it } from 'vitest';
import { windowRange } from './windows';

const H = 3_600_000;
const D = 86_400_000;

describe('windowRange', () => {
  it('defaults to the last 30 days, widened to whole windows', () => {
    const now = Date.parse('2026-11-23T10:30:00Z');
    const r = windowRange({ bucket: 'day' }, now);
    expect(r).toEqual({ from: Date.parse('2026-10-24T00:00:00Z'), to: Date.parse('2026-11-24T00:00:00Z'), size: D });
    const h = windowRange({ bucket: 'hour' }, now);
    expect([h.from, h.to, h.size]).toEqual([Date.parse('2026-10-24T10:00:00Z'), Date.parse('2026-11-23T11:00:00Z'), H]);
  });

  it('refuses a reversed range and more than 400 days of hours, naming from', () => {
    expect(() => windowRange({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', bucket: 'day' })).toThrow(/^from: must be before to/);
    expect(() => windowRange({ from: '2025-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z', bucket: 'hour' })).toThrow(/too many windows/);
    expect(windowRange({ from: '2025-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z', bucket: 'day' }).size).toBe(D);
  });
});
