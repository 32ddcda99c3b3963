// Registry changes through one replica reach another replica's caches: fast by NOTIFY, and within the
// poll's bound without it (db/pg/change-feed.ts). Replicas are separate pools and listener connections.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bumpChanges, LISTENER_NAME, PgChangeFeed } from './change-feed';
import { closePg, openPg, type PgHandle } from './client';
import { migratePg } from './migrate';
import { freshDatabase } from './test-pg';

let a: PgHandle;
let b: PgHandle;
let c: PgHandle;

beforeAll(async () => {
  const url = await freshDatabase('feed');
  a = openPg(url, { max: 2 });
  b = openPg(url, { max: 2 });
  c = openPg(url, { max: 2 });
  await migratePg(a.pool);
});
afterAll(async () => {
  await Promise.all([a, b, c].map(closePg));
});

/** A replica's feed (B's unless said), closed when the test ends (so each test has the listeners it counts on). */
async function openFeed(options: Parameters<typeof PgChangeFeed.open>[1], replica = b): Promise<PgChangeFeed> {
  const feed = await PgChangeFeed.open(replica, options);
  onTestFinished(() => feed.close());
  return feed;
}

/** An alias move's transaction on replica A, reduced to what the feed sees of it. */
const change = () => a.db.transaction(async (tx) => void (await bumpChanges(tx)));

/** Ms from `t0` until the feed's current() differs from `before`, looking every 1 ms; null if not within `limitMs`. */
async function seenAfter(feed: PgChangeFeed, before: number, t0: number, limitMs: number): Promise<number | null> {
  while (feed.current() === before) {
    if (performance.now() - t0 > limitMs) return null;
    await sleep(1);
  }
  return performance.now() - t0;
}

const counter = async () => (await a.pool.query<{ value: number }>(`SELECT value FROM fleet_state WHERE key = 'changes'`)).rows[0]?.value ?? 0;
const nearestRank = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.ceil(q * xs.length) - 1];

describe('PgChangeFeed', () => {
  it('20 changes through replica A are each seen by replicas B and C, p99 within 100 ms', async () => {
    const watchers = [await openFeed({}), await openFeed({}, c)];
    const starts = watchers.map((f) => f.current());
    const delays: number[][] = [[], []];
    const txMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Spaced irregularly, so the changes do not line up with the replicas' 250 ms polls.
      await sleep(Math.random() * 40);
      const before = watchers.map((f) => f.current());
      // From before A's transaction begins: an upper bound on the delay after its commit.
      const t0 = performance.now();
      await change();
      txMs.push(performance.now() - t0);
      const seen = await Promise.all(watchers.map((f, j) => seenAfter(f, before[j], t0, 1_000)));
      seen.forEach((d, j) => delays[j].push(d ?? Infinity));
    }
    console.log(`change feed: A's transaction p50 ${nearestRank(txMs, 0.5).toFixed(1)} ms`);
    watchers.forEach((feed, j) => {
      console.log(
        `change feed, replica ${'BC'[j]}: p50 ${nearestRank(delays[j], 0.5).toFixed(1)} ms, p99 ${nearestRank(delays[j], 0.99).toFixed(1)} ms; ` +
          `by notify ${feed.seenBy.notify}, by poll ${feed.seenBy.poll}`,
      );
      expect(delays[j].every(Number.isFinite)).toBe(true);
      expect(nearestRank(delays[j], 0.99)).toBeLessThanOrEqual(100);
      // One move of current() per change: none counted twice by the notification and the poll.
      expect(feed.current() - starts[j]).toBe(20);
    });
  });

  it('without notifications, the poll alone sees a change within pollMs', async () => {
    const feed = await openFeed({ pollMs: 250, listen: false });
    const delays: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const before = feed.current();
      const t0 = performance.now();
      await change();
      delays.push(await seenAfter(feed, before, t0, 2_000));
    }
    console.log(`change feed, poll only (250 ms): ${delays.map((d) => d?.toFixed(0)).join(', ')} ms`);
    for (const d of delays) expect(d).not.toBeNull();
    // 250 ms between polls, plus the poll's own query, the 1 ms look and a busy machine's timer lag.
    expect(Math.max(...delays.map(Number))).toBeLessThanOrEqual(250 + 100);
    expect(feed.seenBy).toEqual({ notify: 0, poll: 3, reconnect: 0 });
  });

  it('a listener terminated by the server reconnects, counts the gap as a change, and is fast again', async () => {
    // A 5 s poll: anything seen sooner came by the listener.
    const feed = await openFeed({ pollMs: 5_000 });
    const before = feed.current();
    const killed = await a.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [
      LISTENER_NAME,
    ]);
    expect(killed.rowCount).toBe(1);
    // Committed while no one listens: its notification is lost.
    await change();
    const t0 = performance.now();
    expect(await seenAfter(feed, before, t0, 2_000)).not.toBeNull();
    expect(feed.seenBy.reconnect).toBe(1);
    const after = feed.current();
    const t1 = performance.now();
    await change();
    expect(await seenAfter(feed, after, t1, 100)).not.toBeNull();
    expect(feed.seenBy.notify).toBe(1);
  });

  it('a change whose transaction rolls back is no change', async () => {
    const feed = await openFeed({ pollMs: 20 });
    const before = feed.current();
    const value = await counter();
    await expect(
      a.db.transaction(async (tx) => {
        await bumpChanges(tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // Ten polls later: nothing moved, by notification or by poll.
    await sleep(200);
    expect(feed.current()).toBe(before);
    expect(await counter()).toBe(value);
    // The same feed does see a committed one.
    await change();
    await expect.poll(() => feed.current(), { timeout: 1_000, interval: 5 }).toBe(before + 1);
    expect(await counter()).toBe(value + 1);
  });
});
