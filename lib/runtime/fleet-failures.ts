// Sign-in failure counters of a fleet, in PostgreSQL (fleet_state rows `login:<counter>`), so ten
// failures spread over three replicas hold an account exactly as ten through one process do
// (lib/runtime/fleet-failures.pg.test.ts). A check is one query reading its counters, a failure one
// upsert counting both (atomic: 60 failures at once through three replicas count 60); a sign-in
// already spends ~70 ms in scrypt, so sub-millisecond round trips do not show. Bounded: a counter a
// quiet hour old is forgotten, and each replica deletes forgotten ones at most once a minute, when
// it counts a failure.
import type { PgDb } from '../../db/pg/client';
import { countOnce, deleteCounters, pruneCounters, readCounters } from '../../db/pg/queries/fleet';
import type { FailureStore, Failures } from './login-throttle';

const PREFIX = 'login:';
const PRUNE_EVERY_MS = 60_000;

export class PgFailures implements FailureStore {
  private prunedAt = -Infinity;

  constructor(private readonly db: PgDb) {}

  async read(keys: string[], since: number): Promise<Map<string, Failures>> {
    const rows = await readCounters(
      this.db,
      keys.map((k) => PREFIX + k),
      since,
    );
    return new Map([...rows].map(([k, f]) => [k.slice(PREFIX.length), f]));
  }

  async add(keys: string[], now: number, since: number): Promise<void> {
    await countOnce(
      this.db,
      keys.map((k) => PREFIX + k),
      now,
      since,
    );
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await pruneCounters(this.db, PREFIX, since);
    }
  }

  async clear(keys: string[]): Promise<void> {
    await deleteCounters(
      this.db,
      keys.map((k) => PREFIX + k),
    );
  }
}
