// One rollup catch-up at a time per process (lib/server/monitoring/rollup-pg.ts): callers that come
// while one runs share the next run, which starts after all of them asked.
import { describe, expect, it } from 'vitest';
import { Coalescer } from './rollup-pg';

describe('Coalescer', () => {
  it('runs once at a time; callers during a run share one next run; a failure reaches only its own callers', async () => {
    const starts: number[] = [];
    let release: (() => void)[] = [];
    let n = 0;
    const c = new Coalescer(async () => {
      const mine = ++n;
      starts.push(mine);
      await new Promise<void>((r) => release.push(r));
      if (mine === 3) throw new Error('third failed');
      return mine;
    });
    const first = c.run();
    const during = [c.run(), c.run(), c.run()];
    expect(starts).toEqual([1]);
    release.shift()!();
    expect(await first).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(starts).toEqual([1, 2]);
    const later = c.run(); // while run 2 runs: queued for run 3
    release.shift()!();
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
    await new Promise((r) => setTimeout(r, 0));
    release.shift()!();
    await expect(later).rejects.toThrow('third failed');
    release = [];
    const after = c.run();
    await new Promise((r) => setTimeout(r, 0));
    release.shift()!();
    expect(await after).toBe(4);
  });
});
