// Drift from rollup histograms: agreement with the raw-sample statistics when the bins resolve the
// data, and closeness on fine quantile bins.
import { describe, expect, it } from 'vitest';
import { ksFromCounts, mergeCounts, sharesFromCounts, wassersteinFromCounts } from './binned';
import { binCounts, ksTest, psi, quantileEdges, stdDev, wassersteinNormed } from './drift';
import { expectClose } from './test-expect';
import { normalSample, uniforms } from './test-samples';

const span = (values: number[]) => ({ min: Math.min(...values), max: Math.max(...values) });

describe('ksFromCounts', () => {
  it('takes D at the bin edges and p from the Kolmogorov limit at √(nm/(n+m))·D', () => {
    const { statistic, p_value } = ksFromCounts([10, 20, 30, 40], [40, 30, 20, 10]);
    expectClose(statistic, 0.4, 1e-15);
    expectClose(p_value, 2.2507034943851744e-7, 1e-9); // scipy kstwobign.sf(√50 · 0.4)
  });

  it('has no evidence when a side is empty, and rejects histograms on different bins', () => {
    expect(ksFromCounts([0, 0], [3, 4])).toEqual({ statistic: 0, p_value: 1 });
    expect(ksFromCounts([3, 4], [0, 0])).toEqual({ statistic: 0, p_value: 1 });
    expect(() => ksFromCounts([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});

describe('wassersteinFromCounts', () => {
  it('places each bin at its midpoint, outer bins closed by the reference min and max', () => {
    // Points 0.5, 1.5, 2.5, 3.5; CDF gaps 0.25 at each of the three steps of 1 → W1 0.75.
    expectClose(wassersteinFromCounts([1, 2, 3], [1, 1, 1, 1], [0, 1, 1, 2], 2, { min: 0, max: 4 }), 0.375, 1e-15);
  });

  it('floors the reference std at 0.001 and is 0 with an empty side or a single bin', () => {
    // Reference half at 1, half at 1.0001 (std 5e-5); the current all at the top: W1 = ½ · 5e-5.
    expectClose(wassersteinFromCounts([1], [5, 5], [0, 10], 5e-5, { min: 1, max: 1.0001 }), 0.025, 1e-9);
    expect(wassersteinFromCounts([1, 2], [0, 0, 0], [1, 2, 3], 1, { min: 0, max: 3 })).toBe(0);
    expect(wassersteinFromCounts([], [5], [7], 1, { min: 0, max: 3 })).toBe(0);
    expect(() => wassersteinFromCounts([1, 2], [1, 1], [1, 1], 1, { min: 0, max: 3 })).toThrow(RangeError);
  });

  it('cannot see a constant reference move (documented): W 0 where KS from the same counts gives D 1', () => {
    const edges = quantileEdges(Array<number>(100).fill(1), 10);
    const rc = binCounts(Array<number>(100).fill(1), edges);
    const cc = binCounts([2, 3, 4, 5, 6, 7], edges);
    expect(wassersteinFromCounts(edges, rc, cc, 0, { min: 1, max: 1 })).toBe(0);
    expect(ksFromCounts(rc, cc).statistic).toBe(1);
  });
});

describe('binned vs raw', () => {
  it('on discrete data with a bin per value: KS exact, W off only by the bottom bin’s half-bin offset', () => {
    const draw = uniforms(11);
    const ref = Array.from({ length: 600 }, () => Math.floor(draw() * 10));
    const cur = Array.from({ length: 400 }, () => Math.floor(draw() ** 1.5 * 10));
    const edges = [0, 1, 2, 3, 4, 5, 6, 7, 8]; // bins (−∞, 0], (0, 1], …, (8, ∞): one value each
    const rc = binCounts(ref, edges);
    const cc = binCounts(cur, edges);
    expect(ksFromCounts(rc, cc).statistic).toBe(ksTest(ref, cur).statistic);
    // Values 1..9 sit ½ below their midpoints and 0 at its own: the 0→1 step counts ½, not 1.
    const f0 = Math.abs(rc[0] / 600 - cc[0] / 400);
    const binned = wassersteinFromCounts(edges, rc, cc, stdDev(ref), span(ref));
    expectClose(binned, wassersteinNormed(ref, cur) - (0.5 * f0) / stdDev(ref), 1e-12);
  });

  it('agree closely on 100 quantile bins of 2000 rows, and binned D never exceeds raw D', () => {
    const ref = normalSample(3, 2000);
    const cur = normalSample(4, 2000, 0.3, 1.2);
    const edges = quantileEdges(ref, 100);
    const rc = binCounts(ref, edges);
    const cc = binCounts(cur, edges);
    const raw = ksTest(ref, cur);
    const binned = ksFromCounts(rc, cc);
    expect(raw.statistic).toBe(0.111); // scipy ks_2samp on these samples
    expect(binned.statistic).toBeLessThanOrEqual(raw.statistic);
    expect(raw.statistic - binned.statistic).toBeLessThan(0.01); // one bin holds 1 % of the reference
    expect(binned.p_value).toBeLessThan(1e-9);
    const rawW = wassersteinNormed(ref, cur);
    expectClose(rawW, 0.2860321942282037, 1e-12); // scipy wasserstein_distance / np.std
    expectClose(wassersteinFromCounts(edges, rc, cc, stdDev(ref), span(ref)), rawW, 0.02);
  });

  it('rollups merge: counts of two windows summed equal the counts of both together', () => {
    const edges = quantileEdges(normalSample(5, 500), 10);
    const a = normalSample(6, 300, 0.2);
    const b = normalSample(7, 200, -0.1);
    expect(mergeCounts(binCounts(a, edges), binCounts(b, edges))).toEqual(binCounts([...a, ...b], edges));
  });
});

describe('sharesFromCounts and mergeCounts', () => {
  it('turn counts into shares, all zeros when empty', () => {
    expect(sharesFromCounts([1, 3, 0])).toEqual([0.25, 0.75, 0]);
    expect(sharesFromCounts([0, 0])).toEqual([0, 0]);
    expect(psi(sharesFromCounts([50, 30, 20]), sharesFromCounts([30, 30, 40]))).toBeCloseTo(0.240795, 6);
  });

  it('merge bin-wise and reject different bins', () => {
    expect(mergeCounts([1, 2, 3], [4, 0, 1])).toEqual([5, 2, 4]);
    expect(() => mergeCounts([1], [1, 2])).toThrow(RangeError);
  });
});
