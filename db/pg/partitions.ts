// Monthly partitions of the prediction log (prediction_requests is PARTITION BY RANGE (logged_at),
// the time inside the request's ULID; db/pg/custom-steps.ts). The app creates them: the writer
// makes sure the month of every record it inserts has one (a cached check per month, so a
// partition costs one statement per process per month), and retention drops a month whose every
// row is past it, which frees its space at once (no row-by-row DELETE, no vacuum debt).
// Creation is serialised by an advisory lock: CREATE TABLE IF NOT EXISTS alone races between
// replicas starting a new month together (one fails with a duplicate type error).
import type pg from 'pg';
import { inTransaction } from './tx';

/** The advisory lock key of partition creation and removal ("mdparts"; removal: ./queries/retention.ts). */
export const PARTITION_LOCK = '30791206295467123';

export interface MonthRange {
  name: string;
  from: number;
  to: number;
}

/** The month (UTC) holding `ms`: its partition name and [from, to) bounds in ms. */
export function monthOf(ms: number): MonthRange {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const from = Date.UTC(y, m, 1);
  const to = Date.UTC(y, m + 1, 1);
  return { name: `prediction_requests_y${y}m${String(m + 1).padStart(2, '0')}`, from, to };
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** Creates the partition of each month these times fall in, if missing; `known` caches months already checked. */
export async function ensurePartitions(pool: pg.Pool, times: Iterable<number>, known: Set<string>): Promise<void> {
  const months = new Map<string, MonthRange>();
  for (const t of times) {
    const m = monthOf(t);
    if (!known.has(m.name)) months.set(m.name, m);
  }
  if (months.size === 0) return;
  // Months that exist already (another replica made them, or this process before a restart) need
  // no lock: only a missing one takes the locks below, which hold writes to the registry for a moment.
  const exist = await pool.query<{ name: string }>('SELECT relname AS name FROM pg_class WHERE relname = ANY($1::text[])', [[...months.keys()]]);
  for (const { name } of exist.rows) {
    months.delete(name);
    known.add(name);
  }
  if (months.size === 0) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await inTransaction(pool, async (client) => {
        await client.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
        // A partition's foreign keys lock the tables they reference (SHARE ROW EXCLUSIVE); taken
        // here before the log's own lock, in the order a model's deletion cascades (models, then
        // the log), so the two wait for each other instead of deadlocking (found by the fuzz suite).
        await client.query('LOCK TABLE models, model_versions IN SHARE ROW EXCLUSIVE MODE');
        for (const m of months.values()) {
          await client.query(`CREATE TABLE IF NOT EXISTS ${m.name} PARTITION OF prediction_requests FOR VALUES FROM (${m.from}) TO (${m.to})`);
        }
      });
      break;
    } catch (err) {
      // Another order of locks (a version upload touching its model) can still meet this one: run it again, after a pause.
      if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
  for (const name of months.keys()) known.add(name);
}

/** The log's partitions, oldest first, with their bounds and sizes (table, indexes and TOAST). */
export async function listPartitions(db: Queryable): Promise<(MonthRange & { bytes: number })[]> {
  const { rows } = await db.query<{ name: string; bytes: number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid)::bigint AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'prediction_requests'::regclass ORDER BY c.relname`,
  );
  return rows.flatMap((r) => {
    const m = /^prediction_requests_y(\d{4})m(\d{2})$/.exec(r.name);
    return m ? [{ ...monthOf(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)), bytes: r.bytes }] : [];
  });
}

/** Which partition a query by request id reads: the month of the time inside the id. */
export function partitionOfRequest(loggedAt: number): string {
  return monthOf(loggedAt).name;
}
