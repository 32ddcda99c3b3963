// The outbox on a real, migrated SQLite file (the suite: ./outbox.suite.ts), and what only SQLite has:
// the serving thread's poll takes the write lock only when a job is due.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freshDb, freshHandle } from '../test-db';
import { leaseDueJobs } from './outbox';
import { hook, outboxSuite, served } from './outbox.suite';

outboxSuite(async () => freshDb());

describe('the poll on SQLite', () => {
  it("never waits for another connection's write lock: nothing due, or a due job, answers at once; the job is leased once the lock is free", async () => {
    const handle = freshHandle();
    const other = new Database(handle.path);
    const t0 = Date.now();
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    expect(await leaseDueJobs(handle.db, { now: t0, until: t0 + 15_000, limit: 8 })).toEqual([]);
    // The lease alone would wait for the lock: the connection's busy timeout, up to 5 s.
    expect(performance.now() - started).toBeLessThan(100);
    other.exec('COMMIT');

    await hook(handle.db, ['version.created']);
    await served(handle.db, 'm');
    // A job is due but the lock is held: this poll leases nothing, at once; the next one leases it.
    other.exec('BEGIN IMMEDIATE');
    const due = performance.now();
    expect(await leaseDueJobs(handle.db, { now: Date.now(), until: Date.now() + 15_000, limit: 8 })).toEqual([]);
    expect(performance.now() - due).toBeLessThan(100);
    other.exec('COMMIT');
    const leased = await leaseDueJobs(handle.db, { now: Date.now(), until: Date.now() + 15_000, limit: 8 });
    expect(leased).toHaveLength(2);
    // Held in flight by the caller: not due for this poll.
    expect(await leaseDueJobs(handle.db, { now: Date.now() + 20_000, until: Date.now() + 40_000, limit: 8, inFlight: leased.map((j) => j.id) })).toEqual([]);
    other.close();
  });
});
