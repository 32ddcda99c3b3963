// niceScale on the values a monitoring series can hold: it runs while the server renders a page,
// so it must end and must not throw for any finite input (found by the fuzz suite: metrics one
// double apart looped forever, tiny ones threw from toFixed).
import { describe, expect, it } from 'vitest';
import { distinctTicks, niceScale, tickDecimals, type TickFormat } from './scale';

describe('niceScale', () => {
  it('gives round ticks covering the values', () => {
    expect(niceScale([0.46, 0.76])).toEqual({ domain: [0.4, 0.8], ticks: [0.4, 0.5, 0.6, 0.7, 0.8] });
    expect(niceScale([0, 100])).toEqual({ domain: [0, 100], ticks: [0, 25, 50, 75, 100] });
    expect(niceScale([0.1, 0.3])!.ticks).toContain(0.3);
    expect(niceScale([null, undefined, NaN])).toBeNull();
  });

  it('ends for values one double apart (it used to loop forever)', () => {
    const s = niceScale([0.5, 0.5 + 2 ** -53 * 2])!;
    expect(s.ticks.length).toBeGreaterThanOrEqual(2);
    expect(s.ticks.length).toBeLessThanOrEqual(16);
    expect(s.domain[0]).toBeLessThanOrEqual(0.5);
    expect(s.domain[1]).toBeGreaterThan(0.5);
    const big = niceScale([1e10, 1e10 + 2 ** -19])!;
    expect(big.ticks.length).toBeLessThanOrEqual(16);
  });

  it.each([
    [[1e-300, 2e-300]],
    [[5e-324, 1e-323]],
    [[-1e308, 1e308]],
    [[-Number.MAX_VALUE, Number.MAX_VALUE]],
    [[Number.MAX_VALUE]],
    [[0]],
    [[-0, 0]],
    [[1, 1 + Number.EPSILON]],
  ])('returns a finite, ordered scale for %j', (values) => {
    const s = niceScale(values)!;
    expect(s.ticks.length).toBeGreaterThanOrEqual(2);
    expect(s.ticks.length).toBeLessThanOrEqual(16);
    for (const t of s.ticks) expect(Number.isFinite(t)).toBe(true);
    expect(s.domain[0]).toBeLessThan(s.domain[1]);
    expect([...s.ticks].sort((a, b) => a - b)).toEqual(s.ticks);
  });
});

describe('distinct tick labels', () => {
  it('a percent axis on ticks 0.2 % apart gets a decimal (it printed 80% 80% 81%)', () => {
    const { ticks } = niceScale([0.8, 0.81])!;
    const rounded: TickFormat = (v) => `${Math.round(v * 100)}%`;
    expect(new Set(ticks.map((v) => rounded(v, ticks))).size).toBeLessThan(ticks.length);
    const percent: TickFormat = (v, t) => `${(v * 100).toFixed(tickDecimals(t, 100))}%`;
    const f = distinctTicks(ticks, percent);
    const labels = ticks.map(f);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('80.0%');
  });

  it('falls back to the chart’s format, then to just enough decimals', () => {
    const ticks = [0.8, 0.8025, 0.805];
    expect(
      ticks.map(
        distinctTicks(
          ticks,
          (v) => v.toFixed(2),
          (v) => v.toFixed(4),
        ),
      ),
    ).toEqual(['0.8000', '0.8025', '0.8050']);
    const plain = ticks.map(distinctTicks(ticks, (v) => v.toFixed(2)));
    expect(new Set(plain).size).toBe(3);
    expect(plain.every((l) => /^0\.80\d$/.test(l))).toBe(true);
    expect(tickDecimals([0, 25, 50])).toBe(0);
    expect(tickDecimals([0.1, 0.15, 0.2])).toBe(2);
  });
});
