// The change signal: a number that moves whenever the registry or the keys may have changed, so the
// serving and key caches above db/ know when to look again without a query per request. This
// process's own writes bump it at once (the repository functions that write call `bump`); another
// process's commits (the keys CLI, `npm run demo` without a server) are noticed through SQLite's
// data_version, read at most every 50 ms (a query; per request it measured ~1 µs of the fast path).
// With PostgreSQL, db/pg/change-feed.ts gives the same contract from a counter row and LISTEN.

/** What the caches compare per request: a sync version number, and a way to say "this process changed something". */
export interface ChangeSource {
  /** Equal to an earlier answer only if nothing changed since (up to the source's polling bound for other processes). */
  current(): number;
  /** This process changed something the caches hold. */
  bump(): void;
  /** Called (after the fact) whenever another process's change is seen: for a cache that reloads in the background rather than on its next question. */
  subscribe?(listener: () => void): void;
}

export class ChangeSignal implements ChangeSource {
  private version = 0;
  private polledAt = 0;
  private seen = -1;

  constructor(
    private readonly dataVersion: () => number,
    private readonly pollMs = 50,
  ) {}

  /** This process changed something the caches hold. */
  bump(): void {
    this.version++;
  }

  /** The current version: equal to an earlier answer only if nothing changed since (up to pollMs for other processes). */
  current(now = Date.now()): number {
    if (now - this.polledAt > this.pollMs) {
      this.polledAt = now;
      const v = this.dataVersion();
      if (v !== this.seen) {
        this.seen = v;
        this.version++;
      }
    }
    return this.version;
  }
}
