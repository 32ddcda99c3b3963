// Settings → Storage on PostgreSQL (twin of the storage reads in db/queries/retention.ts): the
// database's size, the prediction log's monthly partitions and their sizes, what the log holds, its
// growth from the hourly rollups, and the last retention sweep that removed anything.
import { RETENTION_STATE, sweepFromState, type SweepRecord } from '../../queries/retention';
import type { PgDb } from '../client';
import { listPartitions, type MonthRange } from '../partitions';
import { inTransaction } from '../tx';
import type { Queryable } from './rollups';

export interface PgStorageFigures {
  databaseBytes: number;
  /** The log's monthly partitions, oldest first, with their sizes: table, indexes and TOAST. */
  partitions: (MonthRange & { bytes: number })[];
  requests: number;
  rows: number;
  outcomes: number;
  /** The oldest logged prediction's time (ms); null for an empty log. */
  oldest: number | null;
  /** Predictions per UTC day since `since` (from the hourly rollups). */
  daily: { day: number; n: number }[];
}

export async function storageFiguresPg(db: PgDb, since: number): Promise<PgStorageFigures> {
  // One connection, one snapshot: the panel is not worth a pool's worth of connections.
  return inTransaction(db.$client, (q) => storageFigures(q, since), 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
}

async function storageFigures(q: Queryable, since: number): Promise<PgStorageFigures> {
  const [size, parts, totals, outcomes, oldest, daily] = await Promise.all([
    q.query<{ b: number }>('SELECT pg_database_size(current_database())::bigint AS b'),
    listPartitions(q),
    // A full pass over the log (as SQLite's); the panel asks rarely.
    q.query<{ requests: number; rows: number }>('SELECT count(*)::bigint AS requests, coalesce(sum(rows), 0)::bigint AS rows FROM prediction_requests'),
    q.query<{ n: number }>('SELECT count(*)::bigint AS n FROM outcomes'),
    // One step of the (version_id, ts) index per version.
    q.query<{ ts: number | null }>(
      'SELECT min(m.ts)::bigint AS ts FROM model_versions v CROSS JOIN LATERAL (SELECT min(ts) AS ts FROM prediction_requests WHERE version_id = v.id) m',
    ),
    q.query<{ day: number; n: number }>(
      'SELECT (hour / 86400000) * 86400000 AS day, sum(count)::bigint AS n FROM rollup_hours WHERE hour >= $1 GROUP BY 1 ORDER BY 1',
      [since],
    ),
  ]);
  return {
    databaseBytes: size.rows[0].b,
    partitions: parts,
    requests: totals.rows[0].requests,
    rows: totals.rows[0].rows,
    outcomes: outcomes.rows[0].n,
    oldest: oldest.rows[0]?.ts ?? null,
    daily: daily.rows,
  };
}

/** Records a sweep that removed something (the same keys as SQLite's). */
export async function saveSweepPg(db: PgDb, s: SweepRecord): Promise<void> {
  await inTransaction(db.$client, async (c) => {
    for (const [key, value] of [
      [RETENTION_STATE.at, s.at],
      [RETENTION_STATE.requests, s.requests],
      [RETENTION_STATE.rows, s.rows],
      [RETENTION_STATE.ms, s.ms],
      [RETENTION_STATE.freed, s.freedBytes],
    ] as const) {
      await c.query('INSERT INTO monitoring_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        key,
        Math.round(value),
      ]);
    }
  });
}

/** The last sweep that removed anything (null: none yet). */
export async function lastSweepPg(db: PgDb): Promise<SweepRecord | null> {
  const { rows } = await db.$client.query<{ key: string; value: number }>("SELECT key, value FROM monitoring_state WHERE key LIKE 'retention_last_%'");
  return sweepFromState(rows);
}

/** The log's monthly partitions with their sizes, oldest first. */
export function logPartitionSizesPg(db: PgDb): Promise<(MonthRange & { bytes: number })[]> {
  return listPartitions(db.$client);
}
