// The drift profile: quantile edges (type 7, repeats collapsed), right-closed bins, which columns
// are numeric or categorical (≤ 5 distinct numbers count as categories), and the slot layout the
// hourly rollups use.
import { describe, expect, it } from 'vitest';
import { decileEdges } from './drift';
import { addToSlots, binIndex, buildProfile, quantileEdges, slotCount, type Cell, type FeatureProfile } from './profile';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('quantileEdges', () => {
  it('type-7 quantiles of sorted values', () => {
    expect(quantileEdges(range(1, 5), 4)).toEqual([2, 3, 4]);
    expect(quantileEdges([0, 10], 4)).toEqual([2.5, 5, 7.5]);
    expect(quantileEdges(range(1, 11), 2)).toEqual([6]);
    // numpy.quantile(range(1, 1001), [0.1, …, 0.9]) = 100.9, 200.8, …, 900.1
    const deciles = quantileEdges(range(1, 1000), 10);
    expect(deciles).toHaveLength(9);
    deciles.forEach((e, i) => expect(e).toBeCloseTo(1 + 0.1 * (i + 1) * 999, 9));
  });

  it('collapses repeated edges so they stay strictly increasing', () => {
    expect(quantileEdges([1, 1, 1, 1, 2], 4)).toEqual([1]);
    expect(quantileEdges([3, 3, 3], 10)).toEqual([3]);
    const e = quantileEdges([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], 10);
    e.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(e[i]));
  });
});

describe('binIndex', () => {
  const edges = [1, 2, 3];
  it('bins are right-closed: (−∞, 1], (1, 2], (2, 3], (3, ∞)', () => {
    expect(binIndex(-5, edges)).toBe(0);
    expect(binIndex(1, edges)).toBe(0);
    expect(binIndex(1.0001, edges)).toBe(1);
    expect(binIndex(2, edges)).toBe(1);
    expect(binIndex(3, edges)).toBe(2);
    expect(binIndex(3.5, edges)).toBe(3);
    expect(binIndex(7, [])).toBe(0);
  });

  it('agrees with a linear count of the edges below v', () => {
    const many = quantileEdges(
      range(1, 200).map((x) => (x * 37) % 101),
      50,
    ).sort((a, b) => a - b);
    for (let v = -1; v <= 102; v += 0.5) expect(binIndex(v, many)).toBe(many.filter((e) => e < v).length);
  });
});

describe('buildProfile', () => {
  const rows: Cell[][] = range(0, 99).map((i) => [
    i * 1.5, // numeric, 100 distinct
    i % 3 === 0 ? 10 : i % 3 === 1 ? 2 : 3, // numeric with 3 distinct → categorical
    ['gold', 'silver', 'bronze'][i % 3], // text
    i < 10 ? null : i, // numeric with missing values
  ]);
  const profile = buildProfile('reference', ['spend', 'calls', 'tier', 'age', 'absent'], ['spend', 'calls', 'tier', 'age'], rows, decileEdges);

  it('keeps the features in model order, with their positions, and leaves out what the rows lack', () => {
    expect(profile.source).toBe('reference');
    expect(profile.rows).toBe(100);
    expect(profile.features.map((f) => [f.name, f.position, f.kind])).toEqual([
      ['spend', 0, 'numeric'],
      ['calls', 1, 'categorical'],
      ['tier', 2, 'categorical'],
      ['age', 3, 'numeric'],
    ]);
  });

  it('numeric: fine and decile edges with counts over every value, moments', () => {
    const spend = profile.features[0];
    expect(spend.n).toBe(100);
    expect(spend.distinct).toBe(100);
    expect(spend.fine!.length).toBe(49);
    expect(spend.deciles).toEqual(decileEdges(range(0, 99).map((i) => i * 1.5)));
    expect(spend.fineCounts!.reduce((a, b) => a + b, 0)).toBe(100);
    expect(spend.decileCounts).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(spend.min).toBe(0);
    expect(spend.max).toBe(148.5);
    // Population standard deviation (ddof 0) of 1.5 · (0..99).
    expect(spend.std).toBeCloseTo(1.5 * Math.sqrt((100 * 100 - 1) / 12), 9);
  });

  it('few distinct numbers are categories sorted numerically; text is sorted; missing values are not counted', () => {
    const calls = profile.features[1];
    expect(calls).toMatchObject({ kind: 'categorical', n: 100, distinct: 3, categories: ['2', '3', '10'], categoryCounts: [33, 33, 34] });
    const tier = profile.features[2];
    expect(tier).toMatchObject({ kind: 'categorical', distinct: 3, categories: ['bronze', 'gold', 'silver'], categoryCounts: [33, 34, 33] });
    expect(profile.features[3].n).toBe(90);
    expect(profile.features[3].min).toBe(10);
  });

  it('five distinct numbers are still categorical, six are numeric', () => {
    const five = buildProfile(
      'traffic',
      ['x'],
      ['x'],
      range(0, 49).map((i) => [i % 5]),
      decileEdges,
    );
    expect(five.features[0].kind).toBe('categorical');
    const six = buildProfile(
      'traffic',
      ['x'],
      ['x'],
      range(0, 59).map((i) => [i % 6]),
      decileEdges,
    );
    expect(six.features[0].kind).toBe('numeric');
    // Booleans are not numbers: categorical.
    const bools = buildProfile(
      'traffic',
      ['b'],
      ['b'],
      range(0, 9).map((i) => [i % 2 === 0]),
      decileEdges,
    );
    expect(bools.features[0]).toMatchObject({ kind: 'categorical', categories: ['false', 'true'], categoryCounts: [5, 5] });
  });
});

describe('slot layout', () => {
  const numeric: FeatureProfile = {
    name: 'x',
    position: 0,
    kind: 'numeric',
    n: 10,
    distinct: 10,
    fine: [1, 2, 3],
    fineCounts: [1, 1, 1, 7],
    deciles: [2],
    decileCounts: [2, 8],
    std: 1,
    min: 0,
    max: 9,
  };
  const categorical: FeatureProfile = { name: 'c', position: 1, kind: 'categorical', n: 10, distinct: 2, categories: ['a', 'b'], categoryCounts: [5, 5] };

  it('numeric: fine bins, then decile bins, then one slot for missing; categorical: categories then other', () => {
    expect(slotCount(numeric)).toBe(4 + 2 + 1);
    expect(slotCount(categorical)).toBe(3);
  });

  it('addToSlots counts a value once in its fine bin and once in its decile bin, at the feature’s offset', () => {
    const base = 2;
    const counts = new Uint32Array(base + slotCount(numeric) + slotCount(categorical));
    addToSlots(counts, base, numeric, 2); // fine bin 1 (right-closed), decile bin 0
    addToSlots(counts, base, numeric, 2.5); // fine 2, decile 1
    addToSlots(counts, base, numeric, 99); // fine 3, decile 1
    addToSlots(counts, base, numeric, null); // missing
    addToSlots(counts, base, numeric, 'n/a'); // not a number: missing
    addToSlots(counts, base, numeric, Number.NaN); // missing
    const c0 = base + slotCount(numeric);
    addToSlots(counts, c0, categorical, 'b');
    addToSlots(counts, c0, categorical, 'z'); // unseen: other
    addToSlots(counts, c0, categorical, null); // missing: other
    expect([...counts]).toEqual([0, 0, /* fine */ 0, 1, 1, 1, /* deciles */ 1, 2, /* missing */ 3, /* a, b, other */ 0, 1, 2]);
  });

  it('numeric categories match by their text', () => {
    const cat: FeatureProfile = { name: 'k', position: 0, kind: 'categorical', n: 3, distinct: 3, categories: ['2', '3', '10'], categoryCounts: [1, 1, 1] };
    const counts = new Uint32Array(slotCount(cat));
    addToSlots(counts, 0, cat, 10);
    addToSlots(counts, 0, cat, 3);
    addToSlots(counts, 0, cat, 4);
    expect([...counts]).toEqual([0, 1, 1, 1]);
  });
});
