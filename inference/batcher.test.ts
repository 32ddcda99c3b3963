// Batcher: requests of one turn merged into one run along dim 0, outputs sliced back per caller.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { promotedMb } from '../scripts/testing/promotion';
import { Batcher } from './batcher';

/** A fake session: y = 2·x per row (dims kept), recording every run's batch size. */
function fakeSession(opts: { failWhenRowsAbove?: number } = {}) {
  const runs: number[] = [];
  const session = {
    run: vi.fn(async (feeds: Record<string, Tensor>) => {
      const x = feeds.x;
      runs.push(x.dims[0]);
      if (opts.failWhenRowsAbove !== undefined && x.dims[0] > opts.failWhenRowsAbove) throw new Error('shape mismatch');
      const data = Float32Array.from(x.data as Float32Array, (v) => v * 2);
      return { y: new Tensor('float32', data, [...x.dims]), bias: new Tensor('float32', Float32Array.from([7]), [1]) };
    }),
  } as unknown as InferenceSession;
  return { session, runs };
}

const x = (rows: number[][]) => ({ x: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0].length]) });
const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe('Batcher', () => {
  it('runs a request that finds nothing under way at once, without waiting for the turn to end', async () => {
    const { session, runs } = fakeSession();
    const b = new Batcher(64);
    const pending = b.run('k', session, x([[1, 2]]), 1, ['y']);
    expect(runs).toEqual([1]);
    expect(values((await pending).y)).toEqual([2, 4]);
  });

  it('merges the requests that arrive while a run is under way and gives each caller its own rows', async () => {
    const { session, runs } = fakeSession();
    const b = new Batcher(64);
    const [r0, r1, r2, r3] = await Promise.all([
      b.run('k', session, x([[0, 0]]), 1, ['y']),
      b.run('k', session, x([[1, 2]]), 1, ['y']),
      b.run(
        'k',
        session,
        x([
          [3, 4],
          [5, 6],
        ]),
        2,
        ['y'],
      ),
      b.run('k', session, x([[7, 8]]), 1, ['y']),
    ]);
    expect(runs).toEqual([1, 4]);
    expect(values(r0.y)).toEqual([0, 0]);
    expect(values(r1.y)).toEqual([2, 4]);
    expect(r1.y.dims).toEqual([1, 2]);
    expect(values(r2.y)).toEqual([6, 8, 10, 12]);
    expect(r2.y.dims).toEqual([2, 2]);
    expect(values(r3.y)).toEqual([14, 16]);
  });

  it('shares outputs that are not batched along dim 0', async () => {
    const { session } = fakeSession();
    const b = new Batcher(64);
    const [r1, r2] = await Promise.all([b.run('k', session, x([[1]]), 1, ['y', 'bias']), b.run('k', session, x([[2]]), 1, ['y', 'bias'])]);
    expect(values(r1.bias)).toEqual([7]);
    expect(values(r2.bias)).toEqual([7]);
  });

  it('never merges more than maxRows rows into one run', async () => {
    const { session, runs } = fakeSession();
    const b = new Batcher(3);
    await Promise.all([1, 2, 3, 4, 5].map((v) => b.run('k', session, x([[v], [v]]), 2, ['y'])));
    expect(runs.every((n) => n <= 3)).toBe(true);
    expect(runs.reduce((a, n) => a + n, 0)).toBe(10);
  });

  it('runs a request of maxRows rows or more alone, at once', async () => {
    const { session, runs } = fakeSession();
    await new Batcher(2).run('k', session, x([[1], [2]]), 2, ['y']);
    expect(runs).toEqual([2]);
  });

  it('keeps requests with different trailing dimensions, keys or outputs apart', async () => {
    const { session, runs } = fakeSession();
    const b = new Batcher(64);
    await Promise.all([
      b.run('k', session, x([[1, 2]]), 1, ['y']),
      b.run('k', session, x([[1, 2, 3]]), 1, ['y']),
      b.run('other', session, x([[1, 2]]), 1, ['y']),
      b.run('k', session, x([[1, 2]]), 1, ['y', 'bias']),
    ]);
    expect(runs.sort()).toEqual([1, 1, 1, 1]);
  });

  it('when a merged run fails, retries each request alone so only the bad one fails', async () => {
    const { session, runs } = fakeSession({ failWhenRowsAbove: 1 });
    const b = new Batcher(64);
    const results = await Promise.allSettled([
      b.run('k', session, x([[0]]), 1, ['y']),
      b.run('k', session, x([[1]]), 1, ['y']),
      b.run('k', session, x([[2]]), 1, ['y']),
    ]);
    // The first runs alone; the other two merge, fail together, and are retried one by one.
    expect(runs).toEqual([1, 2, 1, 1]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('with maxRows 0 runs every request directly', async () => {
    const { session, runs } = fakeSession();
    const b = new Batcher(0);
    await Promise.all([b.run('k', session, x([[1]]), 1, ['y']), b.run('k', session, x([[2]]), 1, ['y'])]);
    expect(runs).toEqual([1, 1]);
  });

  // Issue 13: a Map cleared every turn, once it had lived through a major GC, kept every request it
  // had batched alive until the next one (2 MB promoted per minor GC at concurrency 64 in the server).
  it("lets a turn's requests die young, even after the batcher has lived through a major GC", () => {
    // The probe sees what the batcher did before: a Map clear()ed each turn promotes every request.
    expect(promotedMb('map-clear')).toBeGreaterThan(20);
    expect(promotedMb('batcher')).toBeLessThan(2);
  }, 180_000);
});
