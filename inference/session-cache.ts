// Loaded ONNX sessions, one per artifact: bounded LRU, single-flight loads, and leases so an evicted
// session is released only after the runs that hold it finish.
import type { InferenceSession } from 'onnxruntime-node';

interface Entry {
  key: string;
  session: InferenceSession | null;
  loading: Promise<InferenceSession> | null;
  leases: number;
  evicted: boolean;
  lastUsed: number;
}

export interface Lease {
  session: InferenceSession;
  release(): void;
}

export class SessionCache {
  private entries = new Map<string, Entry>();
  private clock = 0;
  /** Artifacts that loaded here at least once (bounded by the registry's artifacts, not by requests). */
  private loadedOnce = new Set<string>();

  constructor(
    private readonly load: (key: string) => Promise<InferenceSession>,
    private readonly capacity: number,
  ) {}

  /** A session for `key`, loaded once however many callers ask at the same time. */
  async acquire(key: string): Promise<Lease> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, session: null, loading: null, leases: 0, evicted: false, lastUsed: 0 };
      this.entries.set(key, entry);
    }
    entry.leases++;
    entry.lastUsed = ++this.clock;
    try {
      const session = entry.session ?? (await this.loadEntry(entry));
      let released = false;
      const e = entry;
      return {
        session,
        release: () => {
          if (!released) {
            released = true;
            this.drop(e);
          }
        },
      };
    } catch (err) {
      this.drop(entry);
      throw err;
    }
  }

  /** A lease without waiting when the session is loaded already (the hot path), else null. */
  tryAcquire(key: string): Lease | null {
    const entry = this.entries.get(key);
    if (!entry?.session) return null;
    entry.leases++;
    entry.lastUsed = ++this.clock;
    let released = false;
    return {
      session: entry.session,
      release: () => {
        if (!released) {
          released = true;
          this.drop(entry);
        }
      },
    };
  }

  /** Loads `key` ahead of need (e.g. before an alias moves to it). */
  async warm(key: string): Promise<void> {
    (await this.acquire(key)).release();
  }

  isLoaded(key: string): boolean {
    return this.entries.get(key)?.session != null;
  }

  /**
   * Loaded now, or loaded before and evicted since (LRU): either way it can serve. Readiness asks
   * this, not isLoaded: more production versions than the cache holds is not "not ready".
   */
  canServe(key: string): boolean {
    return this.isLoaded(key) || this.loadedOnce.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private loadEntry(entry: Entry): Promise<InferenceSession> {
    if (!entry.loading) {
      entry.loading = this.load(entry.key).then(
        (session) => {
          entry.session = session;
          entry.loading = null;
          this.loadedOnce.add(entry.key);
          this.evictOverCapacity();
          return session;
        },
        (err: unknown) => {
          entry.loading = null;
          this.loadedOnce.delete(entry.key);
          if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
          throw err;
        },
      );
    }
    return entry.loading;
  }

  private drop(entry: Entry): void {
    entry.leases--;
    if (entry.leases === 0 && entry.evicted && entry.session) {
      const s = entry.session;
      entry.session = null;
      void s.release().catch(() => undefined);
    }
  }

  private evictOverCapacity(): void {
    const loaded = [...this.entries.values()].filter((e) => e.session && !e.evicted);
    if (loaded.length <= this.capacity) return;
    loaded.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const victim of loaded.slice(0, loaded.length - this.capacity)) {
      victim.evicted = true;
      this.entries.delete(victim.key);
      if (victim.leases === 0) {
        const s = victim.session!;
        victim.session = null;
        void s.release().catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.session?.release().catch(() => undefined)));
  }
}
