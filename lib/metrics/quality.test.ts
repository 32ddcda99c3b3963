// Data quality counts against a reference profile, on hand-counted rows.
import { describe, expect, it } from 'vitest';
import { decileEdges } from './drift';
import { buildProfile, type Cell } from './profile';
import { addQuality, featureQuality, MISSING, NEW_CATEGORY, OUT_OF_RANGE, qualityIssue, qualityMessage, worstQuality } from './quality';

// age: numeric 18..80 (reference); plan: categorical a/b/c; tier: discrete numeric {0, 1, 2}.
const reference: Cell[][] = Array.from({ length: 63 }, (_, i) => [18 + i, ['a', 'b', 'c'][i % 3], i % 3]);
const profile = buildProfile('reference', ['age', 'plan', 'tier'], ['age', 'plan', 'tier'], reference, decileEdges);
const [age, plan, tier] = profile.features;

describe('qualityIssue', () => {
  it('missing: null, NaN, empty text, text for a numeric feature', () => {
    expect([null, NaN, '', 'abc'].map((v) => qualityIssue(age, v as Cell))).toEqual([MISSING, MISSING, MISSING, MISSING]);
    expect([null, ''].map((v) => qualityIssue(plan, v))).toEqual([MISSING, MISSING]);
  });
  it('outside [min, max] of the reference, bounds included, float32 copies of the bounds inside', () => {
    expect(age.kind).toBe('numeric');
    expect([17.9, 18, 50, 80, 80.5, -1e9].map((v) => qualityIssue(age, v))).toEqual([OUT_OF_RANGE, -1, -1, -1, OUT_OF_RANGE, OUT_OF_RANGE]);
    const f = { ...age, min: 0.1, max: 0.3 };
    expect(qualityIssue(f, Math.fround(0.1))).toBe(-1);
    expect(qualityIssue(f, Math.fround(0.3))).toBe(-1);
    expect(qualityIssue(f, 0.30001)).toBe(OUT_OF_RANGE);
  });
  it('a category the reference never had; a discrete numeric feature compares as numbers', () => {
    expect(['a', 'c', 'd', 'A'].map((v) => qualityIssue(plan, v))).toEqual([-1, -1, NEW_CATEGORY, NEW_CATEGORY]);
    expect(tier.kind).toBe('categorical');
    expect([0, 2, 3, 1.5].map((v) => qualityIssue(tier, v))).toEqual([-1, -1, NEW_CATEGORY, NEW_CATEGORY]);
  });
});

describe('addQuality', () => {
  it('counts rows by feature and kind, as counted by hand', () => {
    const rows: Cell[][] = [
      [30, 'a', 0], // clean
      [null, 'b', 1], // age missing
      [90, 'z', 2], // age out of range, plan new
      [10, '', 7], // age out of range, plan missing, tier new
      [40, 'c', null], // tier missing
    ];
    const counts = new Uint32Array(9);
    for (const r of rows) addQuality(counts, profile.features, r);
    expect([...counts]).toEqual([1, 2, 0, 1, 0, 1, 1, 0, 1]);
    const q = featureQuality(profile.features, counts, rows.length);
    expect(q[0]).toEqual({ feature: 'age', missing: 1, out_of_range: 2, new_category: 0, rows: 5 });
    expect(worstQuality(q)).toEqual({ feature: 'age', kind: 'out_of_range', count: 2, rows: 5, rate: 0.4 });
    expect(worstQuality(featureQuality(profile.features, new Uint32Array(9), 5))).toBeNull();
    expect(qualityMessage('age', 'out_of_range', 0.0714)).toBe('feature age: 7.1 % of values outside the reference range');
  });
});
