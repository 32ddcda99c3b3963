// SessionCache bounded by memory, with fake loads of chosen sizes: eviction by bytes and priority
// (outside the serving set first), the serving-set fit said once per change, the accounting and
// per-artifact figures of the runtime listing, and loads that run one at a time without blocking
// sessions already loaded.
import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { SessionCache, type FitReport, type LoadedSession, type SessionCacheOptions } from './session-cache';

interface FakeSession {
  key: string;
  release: ReturnType<typeof vi.fn<() => Promise<void>>>;
}

/** Loads that resolve at once with the size given for the key (a number, or one per load in turn). */
function sizedLoader(sizes: Record<string, number | number[]>) {
  const made: FakeSession[] = [];
  const count = new Map<string, number>();
  const load = vi.fn(async (key: string): Promise<LoadedSession> => {
    const n = count.get(key) ?? 0;
    count.set(key, n + 1);
    const size = sizes[key];
    const s: FakeSession = { key, release: vi.fn(async () => undefined) };
    made.push(s);
    return { session: s as unknown as InferenceSession, bytes: Array.isArray(size) ? size[Math.min(n, size.length - 1)] : (size ?? 1), ms: 10 + n };
  });
  const released = (key: string) => made.filter((s) => s.key === key).reduce((n, s) => n + s.release.mock.calls.length, 0);
  return { load, made, released };
}

function cacheWith(sizes: Record<string, number | number[]>, options: Omit<SessionCacheOptions, 'budgetBytes'> & { budgetBytes: number }) {
  const loader = sizedLoader(sizes);
  return { cache: new SessionCache(loader.load, options), ...loader };
}

const loadedKeys = (cache: SessionCache, keys: string[]) => keys.filter((k) => cache.isLoaded(k));

describe('SessionCache: a budget in bytes', () => {
  it('evicts least recently used sessions until the measured bytes fit', async () => {
    const { cache, released } = cacheWith({ a: 40, b: 30, c: 20, d: 50 }, { budgetBytes: 100 });
    for (const k of ['a', 'b', 'c']) await cache.warm(k);
    expect(cache.snapshot().residentBytes).toBe(90);
    (await cache.acquire('a')).release(); // a is now the most recent: b and c go first
    await cache.warm('d'); // 140 > 100: evict b (30) → 110, then c (20) → 90
    expect(loadedKeys(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'd']);
    expect(cache.snapshot().residentBytes).toBe(90);
    expect(released('b')).toBe(1);
    expect(released('c')).toBe(1);
    expect(released('a')).toBe(0);
  });

  it('many small sessions fit where a count limit would have thrashed', async () => {
    const sizes = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`m${i}`, 12]));
    const { cache, load } = cacheWith(sizes, { budgetBytes: 24 * 12 });
    for (let round = 0; round < 3; round++) for (let i = 0; i < 24; i++) (await cache.acquire(`m${i}`)).release();
    expect(load).toHaveBeenCalledTimes(24);
    expect(cache.snapshot()).toMatchObject({ loads: 24, evictions: 0, hits: 48, residentBytes: 288 });
  });

  it('keeps a serving session its own load made, even when it alone is over the budget', async () => {
    const { cache } = cacheWith({ big: 500, a: 10 }, { budgetBytes: 100, servingSet: () => new Set(['big']) });
    await cache.warm('a');
    (await cache.acquire('big')).release();
    expect(loadedKeys(cache, ['big', 'a'])).toEqual(['big']);
  });

  it('a request for a version outside the serving set that does not fit is served, then released', async () => {
    const { cache, released } = cacheWith({ prod: 80, old: 50 }, { budgetBytes: 100, servingSet: () => new Set(['prod']) });
    await cache.warm('prod');
    const lease = await cache.acquire('old');
    expect(cache.isLoaded('old')).toBe(false); // already evicted: the priorities keep prod
    expect(released('old')).toBe(0); // but the request's lease still holds it
    lease.release();
    expect(released('old')).toBe(1);
    expect(cache.isLoaded('prod')).toBe(true);
  });

  it('a warmed version (loaded before an alias moves to it) stays even before it is serving', async () => {
    const { cache } = cacheWith({ prod: 80, next: 50 }, { budgetBytes: 100, servingSet: () => new Set(['prod']) });
    await cache.warm('prod');
    await cache.warm('next');
    expect(loadedKeys(cache, ['prod', 'next'])).toEqual(['next']);
  });
});

describe('SessionCache: priorities', () => {
  it('evicts versions outside the serving set first, even when a serving one is older', async () => {
    const serving = new Set(['prod']);
    const { cache } = cacheWith({ prod: 40, old: 40, other: 40 }, { budgetBytes: 100, servingSet: () => serving });
    await cache.warm('prod');
    await cache.warm('old');
    await cache.warm('other'); // 120 > 100: prod is the least recent, but old goes
    expect(loadedKeys(cache, ['prod', 'old', 'other'])).toEqual(['prod', 'other']);
  });

  it('a version that leaves the serving set (alias moved) becomes a first victim', async () => {
    const serving = new Set(['v1', 'v2']);
    const { cache } = cacheWith({ v1: 40, v2: 40, v3: 40 }, { budgetBytes: 100, servingSet: () => serving });
    await cache.warm('v1');
    await cache.warm('v2');
    serving.delete('v2');
    serving.add('v3');
    (await cache.acquire('v2')).release(); // recent, but no longer serving
    await cache.warm('v3');
    expect(loadedKeys(cache, ['v1', 'v2', 'v3'])).toEqual(['v1', 'v3']);
  });

  it('when the serving set does not fit, serving versions are evicted least recently used first', async () => {
    const serving = new Set(['a', 'b', 'c']);
    const { cache } = cacheWith({ a: 40, b: 40, c: 40 }, { budgetBytes: 100, servingSet: () => serving });
    await cache.warm('a');
    await cache.warm('b');
    await cache.warm('c');
    expect(loadedKeys(cache, ['a', 'b', 'c'])).toEqual(['b', 'c']);
    const snap = cache.snapshot();
    expect(snap.fit).toEqual({ fits: false, budgetBytes: 100, servingBytes: 120, servingSessions: 3, unmeasured: 0 });
    expect(snap.servingNotResident).toEqual([{ key: 'a', stats: expect.objectContaining({ key: 'a', bytes: 40, loads: 1, evictions: 1 }) }]);
  });
});

describe('SessionCache: the serving set fit is said once per change', () => {
  it('reports "does not fit" once with the numbers, and "fits" again once when it does', async () => {
    const serving = new Set(['a', 'b', 'c']);
    const reports: FitReport[] = [];
    const { cache } = cacheWith({ a: 40, b: 40, c: 40 }, { budgetBytes: 100, servingSet: () => serving, onFitChange: (r) => reports.push(r) });
    await cache.warm('a');
    await cache.warm('b');
    expect(reports).toEqual([]); // fitting from the start is not news
    await cache.warm('c');
    for (let i = 0; i < 5; i++) for (const k of ['a', 'b', 'c']) (await cache.acquire(k)).release(); // thrashes: many loads, one report
    cache.snapshot();
    expect(reports).toEqual([{ fits: false, budgetBytes: 100, servingBytes: 120, servingSessions: 3, unmeasured: 0 }]);
    serving.delete('c'); // c's alias moved away
    expect(cache.snapshot().fit.fits).toBe(true);
    cache.snapshot();
    expect(reports.map((r) => r.fits)).toEqual([false, true]);
  });

  it('counts serving versions never loaded as unmeasured, not as zero bytes that fit', async () => {
    const { cache } = cacheWith({ a: 10 }, { budgetBytes: 100, servingSet: () => new Set(['a', 'never']) });
    await cache.warm('a');
    expect(cache.snapshot().fit).toEqual({ fits: true, budgetBytes: 100, servingBytes: 10, servingSessions: 2, unmeasured: 1 });
    expect(cache.snapshot().servingNotResident).toEqual([{ key: 'never', stats: null }]);
  });
});

describe('SessionCache: accounting and the runtime listing', () => {
  it('counts hits, loads and evictions per artifact and in total; warm is not a hit', async () => {
    let clock = 1_000;
    const { cache } = cacheWith({ a: 60, b: 60 }, { budgetBytes: 100, now: () => clock });
    await cache.warm('a');
    clock = 2_000;
    cache.tryAcquire('a')!.release();
    (await cache.acquire('a')).release();
    clock = 3_000;
    await cache.warm('b'); // evicts a
    (await cache.acquire('a')).release(); // loads a again, evicts b
    const snap = cache.snapshot();
    expect(snap).toMatchObject({ budgetBytes: 100, residentBytes: 60, loads: 3, evictions: 2, hits: 2, loading: 0 });
    expect(snap.resident).toEqual([
      { key: 'a', bytes: 60, loadMs: 11, loadedAt: 3_000, lastUsedAt: 3_000, hits: 2, loads: 2, evictions: 1, serving: false, leases: 0 },
    ]);
  });

  it('keeps the largest size measured for an artifact: a re-load can read low when freed memory is reused', async () => {
    const { cache } = cacheWith({ a: [50, 0], b: 60 }, { budgetBytes: 100 });
    await cache.warm('a');
    await cache.warm('b'); // evicts a
    await cache.warm('a'); // measured 0 this time; accounted 50, so b is evicted
    expect(cache.snapshot().resident.map((r) => [r.key, r.bytes])).toEqual([['a', 50]]);
    expect(cache.snapshot().residentBytes).toBe(50);
  });

  it('tells its observers about loads, failed loads and evictions (whether the victim was serving)', async () => {
    const onLoad = vi.fn();
    const onEvict = vi.fn();
    const onLoadFailed = vi.fn();
    const cache = new SessionCache(
      async (key) => {
        if (key === 'bad') throw new Error('corrupt');
        return { session: { release: async () => undefined } as unknown as InferenceSession, bytes: 60, ms: 1 };
      },
      { budgetBytes: 100, servingSet: () => new Set(['p', 'q']), onLoad, onEvict, onLoadFailed },
    );
    await cache.warm('p');
    (await cache.acquire('x')).release(); // not serving, does not fit next to p: its own load evicts it
    await expect(cache.warm('bad')).rejects.toThrow('corrupt');
    await cache.warm('q'); // serving: evicts p
    expect(onLoad.mock.calls.map((c) => c[0])).toEqual(['p', 'x', 'q']);
    expect(onEvict.mock.calls).toEqual([
      ['x', false],
      ['p', true],
    ]);
    expect(onLoadFailed).toHaveBeenCalledWith('bad');
    expect(cache.canServe('bad')).toBe(false);
    expect(cache.canServe('p')).toBe(true); // evicted, but it loaded before: readiness holds
  });
});

describe('SessionCache: loads run one at a time and never hold up loaded sessions', () => {
  it('starts the next load only after the previous settles, and serves loaded keys meanwhile', async () => {
    const pending: { key: string; resolve: () => void }[] = [];
    const load = vi.fn(
      (key: string) =>
        new Promise<LoadedSession>((resolve) => {
          pending.push({ key, resolve: () => resolve({ session: { key, release: async () => undefined } as unknown as InferenceSession, bytes: 1, ms: 1 }) });
        }),
    );
    const cache = new SessionCache(load, { budgetBytes: 100 });
    const hot = cache.acquire('hot');
    pending[0].resolve();
    (await hot).release();

    const a = cache.acquire('a');
    const b = cache.acquire('b');
    expect(load.mock.calls.map((c) => c[0])).toEqual(['hot', 'a']); // b waits for a
    expect(cache.snapshot().loading).toBe(2);
    // The hot session is leased at once while both loads are outstanding.
    const lease = cache.tryAcquire('hot');
    expect(lease).not.toBeNull();
    lease!.release();

    pending[1].resolve();
    await a;
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(3));
    expect(load.mock.calls[2][0]).toBe('b');
    pending[2].resolve();
    await b;
    expect(cache.snapshot().loading).toBe(0);
  });

  it('a failed load does not stop the loads queued behind it', async () => {
    const rejectFirst = { done: false };
    const cache = new SessionCache(
      async (key) => {
        if (!rejectFirst.done) {
          rejectFirst.done = true;
          throw new Error('first fails');
        }
        return { session: { key, release: async () => undefined } as unknown as InferenceSession, bytes: 1, ms: 1 };
      },
      { budgetBytes: 100 },
    );
    const [first, second] = [cache.acquire('x'), cache.acquire('y')];
    await expect(first).rejects.toThrow('first fails');
    await expect(second).resolves.toBeDefined();
    expect(cache.isLoaded('y')).toBe(true);
  });

  it('a session that finishes loading after close is released, not cached', async () => {
    let resolve!: (l: LoadedSession) => void;
    const session = { release: vi.fn(async () => undefined) };
    const cache = new SessionCache(
      () =>
        new Promise<LoadedSession>((r) => {
          resolve = r;
        }),
      { budgetBytes: 100 },
    );
    const waiting = cache.acquire('a');
    await cache.close();
    resolve({ session: session as unknown as InferenceSession, bytes: 1, ms: 1 });
    await expect(waiting).rejects.toThrow('closed');
    expect(session.release).toHaveBeenCalledTimes(1);
    expect(cache.isLoaded('a')).toBe(false);
  });
});
