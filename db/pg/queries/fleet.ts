// Fleet-wide counters in fleet_state, shared by every replica: token buckets of the rate limit
// (`rate:<key>`: value = tokens, updated_at = ms of the last refill, on the database's clock so that
// replicas' clocks never disagree about elapsed time) and sign-in failure counters (`login:<key>`:
// value = failures, updated_at = ms of the last one, on the caller's clock like the in-memory ones).
// Each change is one statement whose row lock serialises the replicas: no read-then-write race.
import { sql, type SQL } from 'drizzle-orm';
import type { PgDb } from '../client';

/** The database's clock in ms: clock_timestamp(), not now(), which is the (possibly older) transaction start. */
export const DB_NOW_MS = sql`floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

export interface Lease {
  /** Tokens taken: min(want, whole tokens in the bucket), 0 when it holds less than one. */
  granted: number;
  /** Tokens left in the bucket after the take. */
  tokens: number;
  /** The bucket's refill time (database ms) the take was computed at. */
  at: number;
}

type LeaseRow = Lease & Record<string, unknown>;

/**
 * Refills the key's bucket, gives back `refund` tokens (an expired lease's unspent ones) and takes up
 * to `want`, in one statement. The refill is RateLimiter's rule (`refill` in lib/runtime/rate-limit.ts:
 * +rate per second since the last refill, capped at burst), spelled in SQL because it has to run
 * under the row's lock; lib/runtime/fleet-rate-limit.pg.test.ts checks the two agree. The locked
 * subquery is how PostgreSQL before 18 returns a row's values from before an UPDATE: FOR UPDATE makes
 * a waiting replica re-read the row its predecessor committed. The refill time never goes back
 * (GREATEST), so two replicas' statements cannot refill the same interval twice. A key seen for the
 * first time starts with a full bucket, as in RateLimiter.
 */
export async function leaseTokens(
  db: PgDb,
  { key, rate, burst, want, refund }: { key: string; rate: number; burst: number; want: number; refund: number },
): Promise<Lease> {
  const take = sql`
    UPDATE fleet_state s SET value = b.tokens - b.granted, updated_at = b.at
    FROM (
      SELECT key, at, tokens, LEAST(${want}::float8, GREATEST(0, floor(tokens))) AS granted
      FROM (
        SELECT key, at, LEAST(${burst}::float8, LEAST(${burst}::float8, value + (at - updated_at) * ${rate}::float8 / 1000) + ${refund}::float8) AS tokens
        FROM (SELECT key, value, updated_at, GREATEST(updated_at, ${DB_NOW_MS}) AS at FROM fleet_state WHERE key = ${key} FOR UPDATE) locked
      ) refilled
    ) b
    WHERE s.key = b.key
    RETURNING b.granted, s.value AS tokens, s.updated_at AS at`;
  let [row] = (await db.execute<LeaseRow>(take)).rows;
  if (row === undefined) {
    await db.execute(sql`INSERT INTO fleet_state (key, value, updated_at) VALUES (${key}, ${burst}::float8, ${DB_NOW_MS}) ON CONFLICT (key) DO NOTHING`);
    [row] = (await db.execute<LeaseRow>(take)).rows;
  }
  // Only `forget` deletes a bucket: one deleted between the insert and the take was just revoked.
  if (row === undefined) throw new Error(`rate limit: the bucket of ${key} was deleted while it was taken from`);
  return row;
}

export interface Counter {
  count: number;
  last: number;
}

const keyList = (keys: string[]): SQL =>
  sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  );

/** The counters among `keys` whose last count was at or after `since` (older ones are forgotten), by key. */
export async function readCounters(db: PgDb, keys: string[], since: number): Promise<Map<string, Counter>> {
  const rows = await db.execute<{ key: string; count: number; last: number }>(
    sql`SELECT key, value AS count, updated_at AS last FROM fleet_state WHERE key IN (${keyList(keys)}) AND updated_at >= ${since}`,
  );
  return new Map(rows.rows.map((r) => [r.key, { count: r.count, last: r.last }]));
}

/**
 * Counts one on each of `keys` at `now`; a counter last counted before `since` starts over at 1. The
 * keys are locked in sorted order, so two replicas counting the same keys cannot deadlock.
 */
export async function countOnce(db: PgDb, keys: string[], now: number, since: number): Promise<void> {
  const rows = sql.join(
    [...keys].sort().map((k) => sql`(${k}, 1, ${now}::bigint)`),
    sql`, `,
  );
  await db.execute(sql`
    INSERT INTO fleet_state (key, value, updated_at) VALUES ${rows}
    ON CONFLICT (key) DO UPDATE SET
      value = CASE WHEN fleet_state.updated_at < ${since} THEN 1 ELSE fleet_state.value + 1 END,
      updated_at = GREATEST(fleet_state.updated_at, EXCLUDED.updated_at)`);
}

export async function deleteCounters(db: PgDb, keys: string[]): Promise<void> {
  await db.execute(sql`DELETE FROM fleet_state WHERE key IN (${keyList(keys)})`);
}

/** Deletes the counters under `prefix` last counted before `before`; returns how many. */
export async function pruneCounters(db: PgDb, prefix: string, before: number): Promise<number> {
  const res = await db.execute(sql`DELETE FROM fleet_state WHERE starts_with(key, ${prefix}) AND updated_at < ${before}`);
  return res.rowCount ?? 0;
}
