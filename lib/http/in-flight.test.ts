// The server's registry of responses under way: membership, and no promotion of what it held.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { promotedMb } from '../../scripts/testing/promotion';
import { InFlight } from './in-flight';

const res = (id: number) => ({ id }) as unknown as ServerResponse;
const ids = (f: InFlight) =>
  f
    .snapshot()
    .map((r) => (r as unknown as { id: number }).id)
    .sort((a, b) => a - b);

describe('InFlight', () => {
  it('holds what was added and not yet deleted, whatever the order', () => {
    const f = new InFlight();
    const rs = [0, 1, 2, 3, 4].map(res);
    for (const r of rs) f.add(r);
    f.delete(rs[1]);
    f.delete(rs[4]);
    expect(f.size).toBe(3);
    expect(ids(f)).toEqual([0, 2, 3]);
    f.delete(rs[0]);
    f.add(rs[4]);
    expect(ids(f)).toEqual([2, 3, 4]);
  });

  it('ignores a second add, a second delete and a delete of what it never held', () => {
    const f = new InFlight();
    const [a, b, c] = [res(1), res(2), res(3)];
    f.add(a);
    f.add(a);
    f.add(b);
    f.delete(c);
    f.delete(a);
    f.delete(a);
    expect(ids(f)).toEqual([2]);
    expect(f.size).toBe(1);
  });

  it('hands out a copy, so a caller may end responses while it iterates', () => {
    const f = new InFlight();
    const rs = [1, 2, 3].map(res);
    for (const r of rs) f.add(r);
    const seen: number[] = [];
    for (const r of f.snapshot()) {
      seen.push((r as unknown as { id: number }).id);
      f.delete(r);
    }
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(f.size).toBe(0);
  });

  // Issue 13: the Set it replaces was rehashed every few dozen requests; once it had lived through a
  // major GC, its dead old tables kept every response alive until the next one.
  it('lets the responses it held die young, even after it has lived through a major GC', () => {
    // The probe sees what the server did before: a Set with an add and a delete per request promotes them all.
    expect(promotedMb('set')).toBeGreaterThan(20);
    expect(promotedMb('in-flight')).toBeLessThan(2);
  }, 180_000);
});
