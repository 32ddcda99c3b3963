// The rollups' side of the prediction log on PostgreSQL. A sequence or rowid watermark is wrong
// with concurrent writers: a transaction holding sequence value 1 may commit after one holding 2,
// and a fold that ran in between moved the watermark past 1 for good (the row is never counted).
// So every log row carries the id of the transaction that wrote it (xid, pg_current_xact_id()),
// and a fold takes the rows from the stored watermark up to the horizon of its own snapshot,
// pg_snapshot_xmin(pg_current_snapshot()): every transaction below it has ended, so every row
// below it that will ever be visible is visible now. A long transaction holds the horizon (the
// rollups lag until it ends) but never loses a row. Folds run under a transaction-level advisory
// lock, so any replica may fold and none counts a row twice; the watermark moves in the same
// transaction as the hours it produced.
// Watermarks are xid8 values as decimal strings (they may exceed 2^53 in a cluster's far future).
import type pg from 'pg';
import type { ModelSignature } from '../../../inference/signature';
import type { VersionProfile } from '../../../lib/metrics/profile';
import type { HourWrite, LogRow, StoredHour } from '../../queries/rollups';
import type { PgDb } from '../client';
import { inTransaction } from '../tx';

/** The advisory lock of folding ("mdrollup"). */
const ROLLUP_LOCK = '7882551070691194224';
/** The longest a reader waits for another replica's fold to let go of the lock. */
const LOCK_WAIT = '2s';
const WATERMARK = 'rollup_xid';

export type Queryable = Pick<pg.PoolClient, 'query'>;
export type PgFoldRecord = Omit<LogRow, 'rowid'>;

export interface PgRollupVersion {
  profile: VersionProfile | null;
  feature_names: string[] | null;
  signature: ModelSignature;
  reference: { columns: string[] } | null;
}

export async function versionForRollupPg(q: Queryable, versionId: number): Promise<PgRollupVersion | undefined> {
  const { rows } = await q.query<PgRollupVersion>('SELECT profile, feature_names, signature, reference FROM model_versions WHERE id = $1', [versionId]);
  return rows[0];
}

/** A version's first logged requests (their packed inputs), for a traffic profile. */
export async function firstRequestsPg(q: Queryable, versionId: number, limit: number): Promise<{ input_codec: number; inputs: Buffer; rows: number }[]> {
  const { rows } = await q.query('SELECT input_codec, inputs, rows FROM prediction_requests WHERE version_id = $1 ORDER BY logged_at, id LIMIT $2', [
    versionId,
    limit,
  ]);
  return rows;
}

export async function saveTrafficProfilePg(q: Queryable, versionId: number, profile: unknown): Promise<void> {
  await q.query('UPDATE model_versions SET profile = $1::jsonb WHERE id = $2 AND profile IS NULL', [JSON.stringify(profile), versionId]);
}

export async function rollupWatermarkPg(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ v: string }>(`SELECT value::bigint::text AS v FROM monitoring_state WHERE key = '${WATERMARK}'`);
  return rows[0]?.v ?? '0';
}

/**
 * The stored watermark as an SQL xid8 expression: a log row whose xid is below it is folded into the
 * hours. Only those may be deleted or erased (./retention.ts, ./erasure.ts): the hours keep what they counted.
 */
/** The UTC hour (ms) of a time column, as the fold buckets it (hourOf). */
export const hourOfSql = (ts: string) => `(${ts} - ${ts} % 3600000)`;

export const WATERMARK_XID = `coalesce((SELECT value::text::xid8 FROM monitoring_state WHERE key = '${WATERMARK}'), '0'::xid8)`;

async function setWatermark(q: Queryable, xid: string): Promise<void> {
  await q.query(`INSERT INTO monitoring_state (key, value) VALUES ('${WATERMARK}', $1::bigint) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [xid]);
}

const FOLD_COLUMNS = 'version_id, ts, rows, input_codec, inputs, labels, output_values, latency_us, source';

/**
 * What a reader needs to see every row committed before it asked, without waiting for any fold:
 * a version's stored hours (`hours`, run on the same connection) and the log records that are
 * visible but not folded into them yet (xid at or above the watermark), read in one REPEATABLE READ
 * snapshot. A fold commits its hours together with its watermark, so in one snapshot each visible
 * record is either in the hours or in `pending`, never both and never neither.
 * `pendingWhere` narrows the records (by version and time); at most `limit` are read (`truncated`
 * says there were more); `merge` runs in the same snapshot (its reads of versions included).
 */
export async function withPendingPg<T, R>(
  db: PgDb,
  read: (q: Queryable) => Promise<T>,
  pendingWhere: string,
  params: unknown[],
  merge: (stored: T, pending: PgFoldRecord[], q: Queryable, truncated: boolean) => Promise<R>,
  limit: number,
): Promise<R> {
  return inTransaction(
    db.$client,
    async (c) => {
      const stored = await read(c);
      const pending = (
        await c.query<PgFoldRecord>(
          `SELECT ${FOLD_COLUMNS} FROM prediction_requests WHERE xid >= ${WATERMARK_XID} AND ${pendingWhere} ORDER BY xid, id LIMIT ${limit + 1}`,
          params,
        )
      ).rows;
      const truncated = pending.length > limit;
      return merge(stored, truncated ? pending.slice(0, limit) : pending, c, truncated);
    },
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  );
}

export interface FoldResult {
  /** False: another replica holds the fold; nothing was done. */
  locked: boolean;
  folded: number;
  /** Rows below the horizon were left for the next slice (a backlog). */
  more: boolean;
  /** The watermark after this fold (an xid8, as text): every transaction below it is folded. */
  watermark: string | null;
}

/**
 * One slice of the fold: up to `limit` records holding up to `maxRows` predicted rows (always at
 * least one transaction's records whole) from the watermark up to the snapshot horizon. `build`
 * turns them into hour writes (it may read versions through the same connection); their merges,
 * the upserts and the watermark commit together.
 */
/** An xid8 above every transaction committed by now (the current snapshot's xmax): folded up to it, the rollups hold them all. */
export async function committedBeforePg(db: PgDb): Promise<bigint> {
  return BigInt((await db.$client.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x')).rows[0].x);
}

export async function foldByHorizon(
  db: PgDb,
  limit: number,
  maxRows: number,
  build: (records: PgFoldRecord[], q: Queryable) => Promise<HourWrite[]>,
  { wait = false }: { wait?: boolean } = {},
): Promise<FoldResult> {
  return inTransaction(db.$client, async (c) => {
    // A timer's fold skips when another replica folds; a reader's waits for it (then folds the rest),
    // for at most LOCK_WAIT: then it reads what is folded.
    if (wait) {
      await c.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
      try {
        await c.query(`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`);
      } catch (err) {
        if ((err as { code?: string }).code === '55P03') return { locked: false, folded: 0, more: false, watermark: null };
        throw err;
      }
      await c.query(`SET LOCAL lock_timeout = 0`);
    } else if (!(await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${ROLLUP_LOCK}) AS ok`)).rows[0].ok) {
      return { locked: false, folded: 0, more: false, watermark: null };
    }
    const from = await rollupWatermarkPg(c);
    const horizon = (await c.query<{ h: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS h')).rows[0].h;
    const sizes = (
      await c.query<{ xid: string; rows: number }>(
        'SELECT xid::text AS xid, rows FROM prediction_requests WHERE xid >= $1::xid8 AND xid < $2::xid8 ORDER BY xid LIMIT $3',
        [from, horizon, limit + 1],
      )
    ).rows;
    if (sizes.length === 0) {
      if (from !== horizon) await setWatermark(c, horizon);
      return { locked: true, folded: 0, more: false, watermark: horizon };
    }
    let take = 0;
    let rows = 0;
    while (take < Math.min(sizes.length, limit) && (take === 0 || rows + sizes[take].rows <= maxRows)) rows += sizes[take++].rows;
    // Cut between two transactions: the records of the first one not taken wait for the next
    // slice, unless that is the very first transaction, which then goes whole.
    let cut = take === sizes.length ? horizon : sizes[take].xid;
    if (cut === sizes[0].xid) cut = (BigInt(cut) + 1n).toString();
    const records = (
      await c.query<PgFoldRecord>(`SELECT ${FOLD_COLUMNS} FROM prediction_requests WHERE xid >= $1::xid8 AND xid < $2::xid8 ORDER BY xid, id`, [from, cut])
    ).rows;
    const writes = await build(records, c);
    for (const w of writes) {
      const old = (
        await c.query<StoredHour>(
          'SELECT count, latency, predictions::text AS predictions, features, quality FROM rollup_hours WHERE version_id = $1 AND hour = $2',
          [w.versionId, w.hour],
        )
      ).rows[0];
      const m = w.merge(old);
      await c.query(
        `INSERT INTO rollup_hours (version_id, hour, count, latency, predictions, features, quality) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
         ON CONFLICT (version_id, hour) DO UPDATE SET count = excluded.count, latency = excluded.latency, predictions = excluded.predictions,
           features = excluded.features, quality = excluded.quality`,
        [w.versionId, w.hour, m.count, m.latency, m.predictions, m.features, m.quality],
      );
    }
    await setWatermark(c, cut);
    return { locked: true, folded: records.length, more: cut !== horizon, watermark: cut };
  });
}
