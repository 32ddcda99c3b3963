// SessionCache with a fake loader: single-flight loads, LRU eviction, leases that delay release,
// failed loads, warm, isLoaded and close. Budget, priorities and accounting: session-budget.test.ts.
import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { SessionCache, type LoadedSession } from './session-cache';

/** Every fake session weighs 1 byte, so a budget of n bytes holds n sessions. */
const loaded = (s: unknown): LoadedSession => ({ session: s as InferenceSession, bytes: 1, ms: 0 });
const countCache = (load: (key: string) => Promise<LoadedSession>, capacity: number) => new SessionCache(load, { budgetBytes: capacity });

interface FakeSession {
  key: string;
  release: ReturnType<typeof vi.fn<() => Promise<void>>>;
}

const fakeSession = (key: string): FakeSession => ({ key, release: vi.fn(async () => undefined) });
const asFake = (s: InferenceSession) => s as unknown as FakeSession;

/** A loader that resolves at once, keeping every session it made. */
function instantLoader() {
  const made: FakeSession[] = [];
  const load = vi.fn(async (key: string) => {
    const s = fakeSession(key);
    made.push(s);
    return loaded(s);
  });
  const sessionsOf = (key: string) => made.filter((s) => s.key === key);
  return { load, made, sessionsOf };
}

/** A loader whose loads settle only when the test says so. */
function manualLoader() {
  const pending: { key: string; resolve: (s: InferenceSession) => void; reject: (e: unknown) => void }[] = [];
  const load = vi.fn(
    (key: string) =>
      new Promise<LoadedSession>((resolve, reject) => {
        pending.push({ key, resolve: (s) => resolve(loaded(s)), reject });
      }),
  );
  return { load, pending };
}

describe('SessionCache: single flight', () => {
  it('10 concurrent acquires of one key load it once and share the session', async () => {
    const { load, pending } = manualLoader();
    const cache = countCache(load, 4);
    const leases = Array.from({ length: 10 }, () => cache.acquire('a'));
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith('a');
    expect(cache.isLoaded('a')).toBe(false);
    const session = fakeSession('a');
    pending[0].resolve(session as unknown as InferenceSession);
    const got = await Promise.all(leases);
    expect(got.every((l) => asFake(l.session) === session)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.isLoaded('a')).toBe(true);
    got.forEach((l) => l.release());
    expect(session.release).not.toHaveBeenCalled();
  });

  it('a later acquire reuses the loaded session without loading again', async () => {
    const { load } = instantLoader();
    const cache = countCache(load, 4);
    const first = await cache.acquire('a');
    first.release();
    const second = await cache.acquire('a');
    expect(second.session).toBe(first.session);
    expect(load).toHaveBeenCalledTimes(1);
  });
});

describe('SessionCache: LRU eviction', () => {
  it('evicts the least recently used session once over capacity and releases it', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 2);
    await cache.warm('a');
    await cache.warm('b');
    (await cache.acquire('a')).release(); // a is now more recent than b
    await cache.warm('c');
    expect(cache.isLoaded('a')).toBe(true);
    expect(cache.isLoaded('b')).toBe(false);
    expect(cache.isLoaded('c')).toBe(true);
    expect(cache.size).toBe(2);
    expect(sessionsOf('b')[0].release).toHaveBeenCalledTimes(1);
    expect(sessionsOf('a')[0].release).not.toHaveBeenCalled();
    expect(sessionsOf('c')[0].release).not.toHaveBeenCalled();
  });

  it('loads an evicted key again on the next acquire', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 1);
    await cache.warm('a');
    await cache.warm('b');
    expect(cache.isLoaded('a')).toBe(false);
    const lease = await cache.acquire('a');
    expect(load).toHaveBeenCalledTimes(3);
    expect(asFake(lease.session)).toBe(sessionsOf('a')[1]);
    expect(sessionsOf('b')[0].release).toHaveBeenCalledTimes(1);
  });

  it('an evicted session with an active lease is released only when the lease is', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 1);
    const lease = await cache.acquire('a');
    await cache.warm('b');
    const a = sessionsOf('a')[0];
    expect(cache.isLoaded('a')).toBe(false);
    expect(a.release).not.toHaveBeenCalled();
    lease.release();
    expect(a.release).toHaveBeenCalledTimes(1);
    lease.release(); // a second release of the same lease is a no-op
    expect(a.release).toHaveBeenCalledTimes(1);
  });

  it('waits for the last of several leases', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 1);
    const l1 = await cache.acquire('a');
    const l2 = await cache.acquire('a');
    await cache.warm('b');
    const a = sessionsOf('a')[0];
    l1.release();
    l1.release(); // must not count as l2's release
    expect(a.release).not.toHaveBeenCalled();
    l2.release();
    expect(a.release).toHaveBeenCalledTimes(1);
  });

  it('does not release a cached session when its leases end', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 2);
    const lease = await cache.acquire('a');
    lease.release();
    expect(sessionsOf('a')[0].release).not.toHaveBeenCalled();
    expect(cache.isLoaded('a')).toBe(true);
  });
});

describe('SessionCache: failed loads', () => {
  it('rejects every waiter with the load error, caches nothing, and retries on the next acquire', async () => {
    const { load, pending } = manualLoader();
    const cache = countCache(load, 2);
    const waiters = [cache.acquire('a'), cache.acquire('a'), cache.acquire('a')];
    const boom = new Error('corrupt model');
    pending[0].reject(boom);
    for (const w of waiters) await expect(w).rejects.toBe(boom);
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.isLoaded('a')).toBe(false);
    expect(cache.size).toBe(0);

    const retry = cache.acquire('a');
    expect(load).toHaveBeenCalledTimes(2);
    const session = fakeSession('a');
    pending[1].resolve(session as unknown as InferenceSession);
    expect(asFake((await retry).session)).toBe(session);
    expect(cache.isLoaded('a')).toBe(true);
  });

  it('warm rejects with the load error', async () => {
    const cache = countCache(async () => {
      throw new Error('no such file');
    }, 2);
    await expect(cache.warm('a')).rejects.toThrow('no such file');
    expect(cache.isLoaded('a')).toBe(false);
  });
});

describe('SessionCache: warm, isLoaded, close', () => {
  it('warm loads a key ahead of need without holding a lease', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 1);
    expect(cache.isLoaded('a')).toBe(false);
    await cache.warm('a');
    expect(load).toHaveBeenCalledWith('a');
    expect(cache.isLoaded('a')).toBe(true);
    expect(cache.isLoaded('b')).toBe(false);
    // No lease is left: evicting it releases it at once.
    await cache.warm('b');
    expect(sessionsOf('a')[0].release).toHaveBeenCalledTimes(1);
  });

  it('close releases every loaded session once and empties the cache', async () => {
    const { load, sessionsOf } = instantLoader();
    const cache = countCache(load, 2);
    await cache.warm('a');
    await cache.warm('b');
    await cache.warm('c'); // evicts and releases a
    await cache.close();
    expect(cache.size).toBe(0);
    expect(cache.isLoaded('b')).toBe(false);
    expect(cache.isLoaded('c')).toBe(false);
    for (const key of ['a', 'b', 'c']) expect(sessionsOf(key)[0].release).toHaveBeenCalledTimes(1);
  });

  it('close does not fail when a release rejects', async () => {
    const s = fakeSession('a');
    s.release.mockRejectedValueOnce(new Error('already released'));
    const cache = countCache(async () => loaded(s), 2);
    await cache.warm('a');
    await expect(cache.close()).resolves.toBeUndefined();
  });
});
