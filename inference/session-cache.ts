// Loaded ONNX sessions, one per artifact, bounded by memory: each load's measured bytes count
// against a budget; versions outside the serving set are evicted first, serving ones (production,
// splits, shadows) only when the serving set itself does not fit. Loads are single-flight and run
// one at a time (so a load's memory delta is its own, and one load's main-thread work never piles
// onto another's); a loaded session is served without waiting on any load. Leases release an
// evicted session only after the runs that hold it finish.
import type { InferenceSession } from 'onnxruntime-node';
import { OneAtATime } from './one-at-a-time';

/** What a load produced and measured. */
export interface LoadedSession {
  session: InferenceSession;
  /** Memory the session holds, as the loader accounts it (see serving-state: RSS delta, floored). */
  bytes: number;
  ms: number;
}

/** Whether the serving set fits the budget; `servingBytes` counts the versions measured so far. */
export interface FitReport {
  fits: boolean;
  budgetBytes: number;
  servingBytes: number;
  servingSessions: number;
  unmeasured: number;
}

export interface SessionCacheOptions {
  budgetBytes: number;
  /** The keys kept resident while they fit (production, split and shadow versions' artifacts). */
  servingSet?: () => ReadonlySet<string>;
  onLoad?: (key: string, loaded: LoadedSession) => void;
  onLoadFailed?: (key: string) => void;
  onEvict?: (key: string, serving: boolean) => void;
  /** Called when the serving set starts or stops fitting (not per request). */
  onFitChange?: (report: FitReport) => void;
  now?: () => number;
}

/** One artifact's figures over the process's life: kept across evictions (bounded by the registry's artifacts). */
export interface KeyStats {
  key: string;
  bytes: number;
  loadMs: number;
  loadedAt: number;
  lastUsedAt: number;
  hits: number;
  loads: number;
  evictions: number;
}

export interface CacheSnapshot {
  budgetBytes: number;
  residentBytes: number;
  /** Loads waiting or under way. */
  loading: number;
  loads: number;
  evictions: number;
  hits: number;
  fit: FitReport;
  resident: (KeyStats & { serving: boolean; leases: number })[];
  /** Serving keys that are not loaded now (evicted, failed or never loaded), with their last figures. */
  servingNotResident: { key: string; stats: KeyStats | null }[];
}

interface Entry {
  key: string;
  session: InferenceSession | null;
  loading: Promise<InferenceSession> | null;
  leases: number;
  evicted: boolean;
  lastUsed: number;
  bytes: number;
  /** Set when the session is admitted (the hot path reads it without a second look-up). */
  stats: KeyStats | null;
  /** Loaded on purpose ahead of traffic (warm): kept by its own load even outside the serving set. */
  preload: boolean;
}

export interface Lease {
  session: InferenceSession;
  release(): void;
}

const NONE: ReadonlySet<string> = new Set();

export class SessionCache {
  private entries = new Map<string, Entry>();
  private clock = 0;
  private stats = new Map<string, KeyStats>();
  /** Artifacts that loaded here at least once (bounded by the registry's artifacts, not by requests). */
  private loadedOnce = new Set<string>();
  private residentBytes = 0;
  private totals = { loads: 0, evictions: 0, hits: 0 };
  private loads = new OneAtATime();
  private lastFit: boolean | null = null;
  private readonly now: () => number;

  constructor(
    private readonly load: (key: string) => Promise<LoadedSession>,
    private readonly options: SessionCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get budgetBytes(): number {
    return this.options.budgetBytes;
  }

  /** A session for `key`, loaded once however many callers ask at the same time. */
  async acquire(key: string): Promise<Lease> {
    return this.lease(key, true);
  }

  /** A lease without waiting when the session is loaded already (the hot path), else null. */
  tryAcquire(key: string): Lease | null {
    const entry = this.entries.get(key);
    if (!entry?.session) return null;
    entry.leases++;
    this.touch(entry, true);
    return this.leaseOf(entry, entry.session);
  }

  /** Loads `key` ahead of need (e.g. before an alias moves to it); not counted as a hit. */
  async warm(key: string): Promise<void> {
    (await this.lease(key, false)).release();
  }

  isLoaded(key: string): boolean {
    return this.entries.get(key)?.session != null;
  }

  /**
   * Loaded now, or loaded before and evicted since: either way it can serve. Readiness asks this,
   * not isLoaded: more production versions than the budget holds is not "not ready".
   */
  canServe(key: string): boolean {
    return this.isLoaded(key) || this.loadedOnce.has(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Figures for the runtime listing and /metrics; also reports a change of fit. */
  snapshot(): CacheSnapshot {
    const serving = this.servingSet();
    const resident = [...this.entries.values()]
      .filter((e) => e.session && !e.evicted)
      .map((e) => ({ ...e.stats!, serving: serving.has(e.key), leases: e.leases }));
    const servingNotResident = [...serving].filter((k) => !this.isLoaded(k)).map((key) => ({ key, stats: this.stats.get(key) ?? null }));
    return {
      budgetBytes: this.options.budgetBytes,
      residentBytes: this.residentBytes,
      loading: this.loads.size,
      ...this.totals,
      fit: this.checkFit(serving),
      resident,
      servingNotResident,
    };
  }

  private async lease(key: string, counted: boolean): Promise<Lease> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, session: null, loading: null, leases: 0, evicted: false, lastUsed: 0, bytes: 0, stats: null, preload: false };
      this.entries.set(key, entry);
    }
    entry.leases++;
    if (entry.session) this.touch(entry, counted);
    else {
      entry.lastUsed = ++this.clock;
      if (!counted) entry.preload = true;
    }
    try {
      const session = entry.session ?? (await this.loadEntry(entry));
      return this.leaseOf(entry, session);
    } catch (err) {
      this.drop(entry);
      throw err;
    }
  }

  private touch(entry: Entry, counted: boolean): void {
    entry.lastUsed = ++this.clock;
    const s = entry.stats!;
    s.lastUsedAt = this.now();
    if (counted) {
      s.hits++;
      this.totals.hits++;
    }
  }

  /** A lease on an entry whose lease count already includes it. */
  private leaseOf(entry: Entry, session: InferenceSession): Lease {
    let released = false;
    return {
      session,
      release: () => {
        if (!released) {
          released = true;
          this.drop(entry);
        }
      },
    };
  }

  private loadEntry(entry: Entry): Promise<InferenceSession> {
    if (!entry.loading) {
      entry.loading = this.loads
        .run(() => this.load(entry.key))
        .then(
          (loaded) => {
            entry.loading = null;
            if (this.entries.get(entry.key) !== entry) {
              // Closed while loading: nobody will release it later.
              void loaded.session.release().catch(() => undefined);
              throw new Error('the session cache was closed');
            }
            this.admit(entry, loaded);
            return loaded.session;
          },
          (err: unknown) => {
            entry.loading = null;
            this.loadedOnce.delete(entry.key);
            if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
            this.options.onLoadFailed?.(entry.key);
            throw err;
          },
        );
    }
    return entry.loading;
  }

  private admit(entry: Entry, loaded: LoadedSession): void {
    const now = this.now();
    const prev = this.stats.get(entry.key);
    // The largest figure seen for the artifact: a re-load's delta can read low when the allocator
    // reuses memory freed by an eviction.
    const bytes = Math.max(loaded.bytes, prev?.bytes ?? 0);
    const s: KeyStats = prev ?? { key: entry.key, bytes, loadMs: 0, loadedAt: now, lastUsedAt: now, hits: 0, loads: 0, evictions: 0 };
    s.bytes = bytes;
    s.loadMs = loaded.ms;
    s.loadedAt = now;
    s.lastUsedAt = now;
    s.loads++;
    this.stats.set(entry.key, s);
    entry.session = loaded.session;
    entry.stats = s;
    entry.bytes = bytes;
    entry.lastUsed = ++this.clock;
    this.residentBytes += bytes;
    this.loadedOnce.add(entry.key);
    this.totals.loads++;
    this.options.onLoad?.(entry.key, loaded);
    this.makeRoom(entry);
    entry.preload = false;
  }

  /**
   * Evicts until the resident bytes fit the budget: versions outside the serving set first, least
   * recently used first; then serving ones (the serving set does not fit). A serving or warmed
   * session is never its own load's victim (it is about to take traffic); a request's load of
   * another version can be, after every other non-serving one: its lease still serves that
   * request, and it is released right after.
   */
  private makeRoom(justLoaded: Entry): void {
    const serving = this.servingSet();
    if (this.residentBytes > this.options.budgetBytes) {
      const keep = justLoaded.preload || serving.has(justLoaded.key);
      const candidates = [...this.entries.values()]
        .filter((e) => (e !== justLoaded || !keep) && e.session && !e.evicted)
        .sort((a, b) => Number(serving.has(a.key)) - Number(serving.has(b.key)) || a.lastUsed - b.lastUsed);
      for (const victim of candidates) {
        if (this.residentBytes <= this.options.budgetBytes) break;
        this.evict(victim, serving.has(victim.key));
      }
    }
    this.checkFit(serving);
  }

  private evict(victim: Entry, serving: boolean): void {
    victim.evicted = true;
    this.entries.delete(victim.key);
    this.residentBytes -= victim.bytes;
    victim.stats!.evictions++;
    this.totals.evictions++;
    this.options.onEvict?.(victim.key, serving);
    if (victim.leases === 0) {
      const s = victim.session!;
      victim.session = null;
      void s.release().catch(() => undefined);
    }
  }

  private servingSet(): ReadonlySet<string> {
    return this.options.servingSet?.() ?? NONE;
  }

  private checkFit(serving: ReadonlySet<string>): FitReport {
    let servingBytes = 0;
    let unmeasured = 0;
    for (const key of serving) {
      const s = this.stats.get(key);
      if (s) servingBytes += s.bytes;
      else unmeasured++;
    }
    const report: FitReport = {
      fits: servingBytes <= this.options.budgetBytes,
      budgetBytes: this.options.budgetBytes,
      servingBytes,
      servingSessions: serving.size,
      unmeasured,
    };
    if (report.fits !== this.lastFit) {
      // The first report only speaks when it is bad news; after that, every change is said once.
      if (this.lastFit !== null || !report.fits) this.options.onFitChange?.(report);
      this.lastFit = report.fits;
    }
    return report;
  }

  private drop(entry: Entry): void {
    entry.leases--;
    if (entry.leases === 0 && entry.evicted && entry.session) {
      const s = entry.session;
      entry.session = null;
      void s.release().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    this.residentBytes = 0;
    await Promise.all(all.map((e) => e.session?.release().catch(() => undefined)));
  }
}
