// Retention of the prediction log on PostgreSQL. A month whose every row is past its model's cutoff
// (and folded into the rollups) goes at once: DROP TABLE of its partition frees its space with no
// row-by-row DELETE and no vacuum debt. The rows of a month only partly past retention (models'
// cutoffs differ, and the month holding the cutoff is always partly past it) are deleted row-wise,
// a batch at a time, as SQLite's sweep does (db/queries/retention.ts). Either way a row goes only
// once folded — its xid below the rollups' watermark (WATERMARK_XID, ./rollups.ts) — so the hourly
// rollups keep exactly what they counted, and its client keys and outcomes go with it.
// Locks, and why:
// - A drop takes the partition lock ensurePartitions takes (PARTITION_LOCK), so a month is never
//   created and dropped at once, and two replicas' sweeps never drop the same month.
// - It then takes the outcome lock of each model with rows in the month (OUTCOME_LOCK_CLASS, in id
//   order as the outcome store does), so no outcome is recorded for a row about to go, then deletes
//   the month's keys and outcomes, and only then locks the log itself (ACCESS EXCLUSIVE, which the
//   DROP needs anyway) to check again and drop: a row logged into the month meanwhile (an import of
//   an old prediction) is seen by that check, and the transaction rolls back whole. The log is held
//   for the check and the DROP only (milliseconds); lock_timeout bounds the wait for it, since every
//   log write queues behind a waiting ACCESS EXCLUSIVE request. A drop that times out is retried by
//   the next sweep.
// - Row deletes take their model's outcome lock, like erasure (./erasure.ts) and outcome writes.
import type pg from 'pg';
import { encodeTime } from '../../../lib/ulid';
import { predictionId } from '../../prediction-ids';
import type { PgDb } from '../client';
import { listPartitions, PARTITION_LOCK, type MonthRange } from '../partitions';
import { inTransaction } from '../tx';
import { OUTCOME_LOCK_CLASS } from './outcomes';
import { WATERMARK_XID } from './rollups';

/** Each model's cutoff (ms): its predictions logged before it are past retention; models kept forever are absent. */
export type Cutoffs = Map<number, number>;

/** How long a drop waits for a lock before it gives up until the next sweep. */
const LOCK_TIMEOUT = '2s';
const LOCK_NOT_AVAILABLE = new Set(['55P03', '40P01']);

type Client = Pick<pg.PoolClient, 'query'>;

interface MonthCheck {
  droppable: boolean;
  /** The models with rows in the month, in id order. */
  models: number[];
}

/**
 * Whether every row of the month is past its model's cutoff and folded, by index probes only: per
 * version, one (version_id, ts) probe for a row at or after the cutoff (any row, for a model kept
 * forever), and one xid probe for a row not folded yet.
 */
async function checkMonth(c: Client, part: MonthRange, cutoffs: Cutoffs): Promise<MonthCheck> {
  const { rows } = await c.query<{ model_id: number; keeps: boolean }>(
    `SELECT v.model_id, EXISTS (SELECT 1 FROM ${part.name} r WHERE r.version_id = v.id AND r.ts >= coalesce(c.cutoff, (-9223372036854775808)::bigint)) AS keeps
     FROM model_versions v LEFT JOIN unnest($1::int[], $2::bigint[]) AS c(model_id, cutoff) ON c.model_id = v.model_id
     WHERE EXISTS (SELECT 1 FROM ${part.name} r WHERE r.version_id = v.id)`,
    [[...cutoffs.keys()], [...cutoffs.values()]],
  );
  const models = [...new Set(rows.map((r) => r.model_id))].sort((a, b) => a - b);
  if (rows.some((r) => r.keeps)) return { droppable: false, models };
  const unfolded = await c.query(`SELECT 1 FROM ${part.name} WHERE xid >= ${WATERMARK_XID} LIMIT 1`);
  return { droppable: unfolded.rowCount === 0, models };
}

class MonthKept extends Error {}

/** Drops the month's partition, with its keys and outcomes, if it is still wholly past retention once the log is locked. */
async function dropMonth(db: PgDb, part: MonthRange, cutoffs: Cutoffs): Promise<'dropped' | 'kept' | 'busy'> {
  try {
    return await inTransaction(db.$client, async (c) => {
      await c.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await c.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
      const first = await checkMonth(c, part, cutoffs);
      if (!first.droppable) return 'kept';
      for (const m of first.models) await c.query('SELECT pg_advisory_xact_lock($1, $2)', [OUTCOME_LOCK_CLASS, m]);
      // The month's prediction ids: its requests' ids start with a time in [from, to) (ULIDs, 0-9A-Z,
      // ordered alike in every collation). The keys have no index on prediction_id: one pass over
      // prediction_keys per month dropped, before the log is locked.
      const range = [encodeTime(part.from), encodeTime(part.to)];
      await c.query('DELETE FROM outcomes WHERE prediction_id >= $1 AND prediction_id < $2', range);
      await c.query('DELETE FROM prediction_keys WHERE prediction_id >= $1 AND prediction_id < $2', range);
      await c.query('LOCK TABLE prediction_requests IN ACCESS EXCLUSIVE MODE');
      if (!(await checkMonth(c, part, cutoffs)).droppable) throw new MonthKept();
      await c.query(`DROP TABLE ${part.name}`);
      return 'dropped';
    });
  } catch (err) {
    if (err instanceof MonthKept) return 'kept';
    if (LOCK_NOT_AVAILABLE.has((err as { code?: string }).code ?? '')) return 'busy';
    throw err;
  } finally {
    // Whatever happened, this process checks the month again before it logs into it.
    db.partitions.delete(part.name);
  }
}

export interface DroppedMonths {
  /** The partitions dropped, oldest first. */
  dropped: string[];
  /** A drop gave up waiting for a lock: the sweep should try again later rather than delete the month row by row. */
  busy: boolean;
}

/** Drops every month of the log wholly past retention (and folded); months that are not wholly past it stay. */
export async function dropExpiredMonthsPg(db: PgDb, cutoffs: Cutoffs): Promise<DroppedMonths> {
  const out: DroppedMonths = { dropped: [], busy: false };
  if (cutoffs.size === 0) return out;
  const latest = Math.max(...cutoffs.values());
  for (const part of await listPartitions(db.$client)) {
    // A month that ends after every cutoff holds rows no model has expired yet (or will: the writer's month).
    if (part.to > latest) break;
    const result = await dropMonth(db, part, cutoffs);
    if (result === 'dropped') out.dropped.push(part.name);
    if (result === 'busy') {
      out.busy = true;
      break;
    }
  }
  return out;
}

export interface DeletedRows {
  /** Requests and predicted rows deleted (0: nothing expired and folded is left). */
  requests: number;
  rows: number;
}

/**
 * Deletes up to `limit` expired, folded requests of the first version that has any (oldest first),
 * with their client keys and their rows' outcomes, in one transaction under the model's outcome lock.
 */
export async function deleteExpiredRowsPg(db: PgDb, cutoffs: Cutoffs, limit: number): Promise<DeletedRows> {
  if (cutoffs.size === 0) return { requests: 0, rows: 0 };
  const pool = db.$client;
  const versions = (
    await pool.query<{ id: number; model_id: number }>('SELECT id, model_id FROM model_versions WHERE model_id = ANY($1::int[]) ORDER BY id', [
      [...cutoffs.keys()],
    ])
  ).rows;
  for (const v of versions) {
    const deleted = await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [OUTCOME_LOCK_CLASS, v.model_id]);
      // (version_id, ts) index range in each partition, merged by ts.
      const expired = (
        await c.query<{ id: string; logged_at: number }>(
          `SELECT id, logged_at FROM prediction_requests WHERE version_id = $1 AND ts < $2 AND xid < ${WATERMARK_XID} ORDER BY ts LIMIT $3`,
          [v.id, cutoffs.get(v.model_id), limit],
        )
      ).rows;
      if (expired.length === 0) return null;
      // By id and logged_at: the primary key, in the partitions of those months only.
      const gone = (
        await c.query<{ id: string; model_id: number; ts: number; rows: number; client_ids: string | null }>(
          `DELETE FROM prediction_requests WHERE id = ANY($1::text[]) AND logged_at = ANY($2::bigint[]) RETURNING id, model_id, ts, rows, client_ids`,
          [expired.map((e) => e.id), [...new Set(expired.map((e) => e.logged_at))]],
        )
      ).rows;
      await deleteKeysAndOutcomes(c, gone);
      return { requests: gone.length, rows: gone.reduce((n, g) => n + g.rows, 0) };
    });
    if (deleted) return deleted;
  }
  return { requests: 0, rows: 0 };
}

async function deleteKeysAndOutcomes(c: Client, gone: { id: string; model_id: number; ts: number; client_ids: string | null }[]): Promise<void> {
  if (gone.length === 0) return;
  const keys: [number[], string[], number[], string[]] = [[], [], [], []];
  for (const g of gone) {
    // Shadow copies never took keys; erased rows had theirs removed (their id is null).
    const ids = g.client_ids ? (JSON.parse(g.client_ids) as (string | null)[]) : [];
    ids.forEach((clientId, row) => {
      if (clientId === null) return;
      keys[0].push(g.model_id);
      keys[1].push(clientId);
      keys[2].push(g.ts);
      keys[3].push(predictionId(g.id, row));
    });
  }
  if (keys[0].length > 0) {
    await c.query(
      `DELETE FROM prediction_keys k USING unnest($1::int[], $2::text[], $3::bigint[], $4::text[]) AS g(model_id, client_id, ts, prediction_id)
       WHERE k.model_id = g.model_id AND k.client_id = g.client_id AND k.ts = g.ts AND k.prediction_id = g.prediction_id`,
      keys,
    );
  }
  // A request's rows' outcomes: a primary key range per request (ids of 0-9A-Z, ordered alike in every collation).
  await c.query(`DELETE FROM outcomes o USING unnest($1::text[]) AS q(id) WHERE o.prediction_id >= q.id || '000' AND o.prediction_id <= q.id || 'ZZZ'`, [
    gone.map((g) => g.id),
  ]);
}
