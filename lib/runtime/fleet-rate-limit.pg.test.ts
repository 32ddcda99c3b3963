// The fleet's rate limit (lib/runtime/fleet-rate-limit.ts, db/pg/queries/fleet.ts): one bucket for
// all replicas, the same refill rule as RateLimiter, atomic under concurrent takers.
import { sql } from 'drizzle-orm';
import { setTimeout as sleep, setImmediate as yieldToIo } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../../db/pg/client';
import { migratePg } from '../../db/pg/migrate';
import { leaseTokens } from '../../db/pg/queries/fleet';
import { freshDatabase } from '../../db/pg/test-pg';
import { FleetRateLimiter, leaseSize } from './fleet-rate-limit';
import { refill, type Bucket } from './rate-limit';

let replicas: PgHandle[];

beforeAll(async () => {
  const url = await freshDatabase('limit');
  replicas = Array.from({ length: 4 }, () => openPg(url, { max: 4 }));
  await migratePg(replicas[0].pool);
});
afterAll(async () => {
  await Promise.all(replicas.map(closePg));
});

/** Sets a bucket to `tokens` as of `agoMs` before the database's clock; returns that time. */
async function setBucket(key: string, tokens: number, agoMs: number): Promise<number> {
  const res = await replicas[0].pool.query<{ at: number }>(
    `INSERT INTO fleet_state (key, value, updated_at) VALUES ($1, $2, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at RETURNING updated_at AS at`,
    [key, tokens, agoMs],
  );
  return res.rows[0].at;
}

describe('leaseTokens', () => {
  it("refills by RateLimiter's rule (refill), takes back a refund up to the burst, and takes up to the lease", async () => {
    const db = replicas[0].db;
    for (const [tokens, agoMs, rate, burst, want, refund] of [
      [3.25, 1234, 7, 20, 2, 0], // ≈ 11.9: takes 2
      [0.1, 50, 7, 20, 3, 0], // ≈ 0.45: takes nothing, keeps the refill
      [2, 10, 1000, 5, 4, 0], // ≈ 12, capped at the burst 5: takes 4
      [0, 400, 5, 20, 3, 0], // ≈ 2: takes 2 of the 3 asked
      [0.5, 100, 5, 20, 3, 2], // ≈ 1 + 2 given back: takes 3
      [4, 5000, 5, 20, 3, 3], // refilled to 20, the refund cannot lift it beyond: takes 3
    ]) {
      const at0 = await setBucket('rate:parity', tokens, agoMs);
      const lease = await leaseTokens(db, { key: 'rate:parity', rate, burst, want, refund });
      const expected: Bucket = { tokens, at: at0 };
      refill(expected, lease.at, rate, burst);
      const available = Math.min(burst, expected.tokens + refund);
      const granted = Math.min(want, Math.max(0, Math.floor(available)));
      expect(lease.granted).toBe(granted);
      expect(lease.tokens).toBeCloseTo(available - granted, 9);
    }
  });

  it('a key seen first starts full; eight replicas taking at once never take a token twice', async () => {
    // 0.001 tokens a second: the bucket refills nothing that matters during the test.
    const takes = Array.from({ length: 160 }, (_, i) => leaseTokens(replicas[i % 4].db, { key: 'rate:race', rate: 0.001, burst: 100, want: 1, refund: 0 }));
    const leases = await Promise.all(takes);
    expect(leases.reduce((n, l) => n + l.granted, 0)).toBe(100);
  });
});

describe('FleetRateLimiter', () => {
  it('four replicas hammering a key limited to 50/s (burst 50) for 3 s allow ~200 in all, not ~800', async () => {
    const [rate, burst, seconds] = [50, 50, 3];
    const limiters = replicas.map((r) => new FleetRateLimiter(r.db));
    let allowed = 0;
    let requests = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    // Eight clients per replica; each request is its own turn of the event loop, as requests from sockets are.
    const client = async (limiter: FleetRateLimiter) => {
      while (performance.now() < end) {
        requests++;
        if ((await limiter.take('k1', rate, burst)) === 0) allowed++;
        await yieldToIo();
      }
    };
    await Promise.all(limiters.flatMap((l) => Array.from({ length: 8 }, () => client(l))));
    const elapsed = (performance.now() - start) / 1000;
    const roundTrips = limiters.reduce((n, l) => n + l.roundTrips, 0);
    const outstanding = replicas.length * leaseSize(rate, burst);
    console.log(
      `fleet rate limit: ${allowed} allowed of ${requests} requests in ${elapsed.toFixed(2)} s; ` +
        `${(roundTrips / elapsed).toFixed(0)} round trips/s for the key (${((100 * roundTrips) / requests).toFixed(2)}% of requests)`,
    );
    expect(allowed).toBeGreaterThanOrEqual(rate * seconds);
    expect(allowed).toBeLessThanOrEqual(Math.floor(rate * elapsed + burst + outstanding));
  });

  it('a key used below its limit keeps its burst, though its leases expire half spent', async () => {
    // Limit 40/s, burst 40: leases of 2. Each replica sees a request every 120 ms (33/s in all), so
    // each lease expires with one token unspent; were those dropped, the fleet would use 66 tokens a
    // second and have spent its burst within 1.5 s. They are given back with the next lease.
    const limiters = replicas.map((r) => new FleetRateLimiter(r.db));
    const start = performance.now();
    let refused = 0;
    for (let n = 0; n < 60; n++) {
      await sleep(Math.max(0, start + n * 30 - performance.now()));
      if ((await limiters[n % 4].take('steady', 40, 40)) > 0) refused++;
    }
    expect(refused).toBe(0);
    // Then 30 at once: the burst is there for them.
    const burst = await Promise.all(Array.from({ length: 30 }, (_, n) => limiters[n % 4].take('steady', 40, 40)));
    const roundTrips = limiters.reduce((k, l) => k + l.roundTrips, 0);
    console.log(
      `fleet rate limit, 33/s under a 40/s limit then 30 at once: ${burst.filter((w) => w > 0).length} of the 30 refused; ${roundTrips} round trips for 90 requests`,
    );
    expect(burst.filter((w) => w > 0)).toHaveLength(0);
  });

  it('a key with no limit never touches the database', async () => {
    const r = replicas[1];
    let acquired = 0;
    const count = () => acquired++;
    r.pool.on('acquire', count);
    try {
      const limiter = new FleetRateLimiter(r.db);
      for (let i = 0; i < 1000; i++) expect(limiter.take('free', 0, 0)).toBe(0);
      expect(acquired).toBe(0);
      expect(limiter.roundTrips).toBe(0);
      // The same limiter with a limit does ask (so the count above could have moved).
      expect(await limiter.take('limited', 5, 5)).toBe(0);
      expect(acquired).toBeGreaterThan(0);
    } finally {
      r.pool.off('acquire', count);
    }
  });

  it('forgets a key fleet-wide: its bucket starts full again', async () => {
    const [a, b] = [new FleetRateLimiter(replicas[0].db), new FleetRateLimiter(replicas[1].db)];
    // rate 1/s, burst 2: two requests, then a refusal on either replica.
    expect(await a.take('gone', 1, 2)).toBe(0);
    expect(await a.take('gone', 1, 2)).toBe(0);
    expect(await b.take('gone', 1, 2)).toBeGreaterThan(0);
    await a.forget('gone');
    const rows = await replicas[0].db.execute(sql`SELECT 1 FROM fleet_state WHERE key = 'rate:gone'`);
    expect(rows.rowCount).toBe(0);
    expect(await new FleetRateLimiter(replicas[2].db).take('gone', 1, 2)).toBe(0);
  });
});
