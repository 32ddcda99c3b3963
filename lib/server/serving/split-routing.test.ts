// Weighted choice and client hashing of traffic splits.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../random';
import { cumulativeShares, pickIndex, requestClientId, splitKey, unitHash } from './split-routing';

describe('cumulativeShares and pickIndex', () => {
  it('normalizes any positive weights and ends exactly at 1', () => {
    expect(Array.from(cumulativeShares([90, 10]))).toEqual([0.9, 1]);
    expect(Array.from(cumulativeShares([1, 1, 2]))).toEqual([0.25, 0.5, 1]);
    expect(Array.from(cumulativeShares([0.1, 0.2]))[1]).toBe(1); // 0.1 + 0.2 ≠ 0.3 in floats
  });

  it('maps u ∈ [0, 1) onto the entry whose share covers it, boundaries to the next entry', () => {
    const c = cumulativeShares([70, 30]);
    expect(pickIndex(c, 0)).toBe(0);
    expect(pickIndex(c, 0.6999)).toBe(0);
    expect(pickIndex(c, 0.7)).toBe(1);
    expect(pickIndex(c, 0.9999999)).toBe(1);
    const three = cumulativeShares([1, 2, 1]);
    expect([0.1, 0.3, 0.6, 0.8].map((u) => pickIndex(three, u))).toEqual([0, 1, 1, 2]);
    expect(pickIndex(cumulativeShares([5]), 0.99)).toBe(0);
  });

  it('gives each entry its share of uniform draws (within 4 binomial sigmas)', () => {
    const random = seededRandom(7);
    const c = cumulativeShares([60, 30, 10]);
    const counts = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[pickIndex(c, random())]++;
    [0.6, 0.3, 0.1].forEach((p, i) => expect(Math.abs(counts[i] - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p))));
  });
});

describe('unitHash', () => {
  it('is deterministic, in [0, 1), and equals an independent implementation', () => {
    // Python: FNV-1a 32 (x ^= c; x = x·0x01000193 mod 2³²) then fmix32, over the code units / 2³².
    expect(unitHash('')).toBe(2872998923 / 4294967296);
    expect(unitHash('customer-17')).toBe(960386466 / 4294967296);
    expect(unitHash('a')).toBe(444641715 / 4294967296);
    for (const s of ['', 'a', 'customer-17', 'é', '\u0000']) {
      const u = unitHash(s);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
    expect(unitHash('a')).not.toBe(unitHash('b'));
  });

  it('spreads sequential client ids uniformly: a 70/30 split lands within 4 sigmas, each decile too', () => {
    const n = 20_000;
    let first = 0;
    const deciles = new Array(10).fill(0);
    const c = cumulativeShares([70, 30]);
    for (let i = 0; i < n; i++) {
      const u = unitHash(splitKey('churn', 'production', `client-${i}`));
      if (pickIndex(c, u) === 0) first++;
      deciles[Math.floor(u * 10)]++;
    }
    expect(Math.abs(first - 0.7 * n)).toBeLessThan(4 * Math.sqrt(n * 0.21));
    for (const d of deciles) expect(Math.abs(d - n / 10)).toBeLessThan(4 * Math.sqrt(n * 0.09));
  });

  it('keys by model and alias: the same client may land differently elsewhere', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const here = ids.map((id) => unitHash(splitKey('m', 'production', id)) < 0.5);
    const there = ids.map((id) => unitHash(splitKey('m', 'staging', id)) < 0.5);
    expect(here.filter((x, i) => x !== there[i]).length).toBeGreaterThan(50);
  });
});

describe('requestClientId', () => {
  it('prefers the x-client-id header, else the first of the body ids', () => {
    expect(requestClientId('h-1', { ids: ['b-1'] })).toBe('h-1');
    expect(requestClientId(['h-2', 'h-3'], null)).toBe('h-2');
    expect(requestClientId(undefined, { instances: [[1]], ids: ['b-1', 'b-2'] })).toBe('b-1');
    expect(requestClientId('', { ids: [17] })).toBe('17');
  });

  it('is null without either (random routing)', () => {
    expect(requestClientId(undefined, { instances: [[1]] })).toBeNull();
    expect(requestClientId(null, { ids: [] })).toBeNull();
    expect(requestClientId(undefined, [1, 2])).toBeNull();
    expect(requestClientId(undefined, 'text')).toBeNull();
  });
});
