// Reads of the rollups for the monitoring API on PostgreSQL (twin of db/queries/monitoring.ts, same
// rows): jsonb columns come back as text, as SQLite stores them, so one parser serves both.
import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { HourRow, LabeledRow, MonitoringReads } from '../../queries/monitoring';
import type { PgDb } from '../client';
import { hourOfSql, WATERMARK_XID, withPendingPg, type PgFoldRecord, type Queryable } from './rollups';
import { modelVersions, rollupHours, rollupLabeledHours } from '../schema';

const HOUR_COLUMNS = {
  version_id: rollupHours.versionId,
  hour: rollupHours.hour,
  count: rollupHours.count,
  latency: rollupHours.latency,
  predictions: sql<string>`${rollupHours.predictions}::text`,
  features: rollupHours.features,
  quality: rollupHours.quality,
};
const LABELED_COLUMNS = {
  version_id: rollupLabeledHours.versionId,
  hour: rollupLabeledHours.hour,
  labeled: rollupLabeledHours.labeled,
  stats: sql<string>`${rollupLabeledHours.stats}::text`,
};

export function monitoringReadsPg(db: PgDb): MonitoringReads {
  return {
    hours: (versionId, from, to): Promise<HourRow[]> =>
      db
        .select(HOUR_COLUMNS)
        .from(rollupHours)
        .where(and(eq(rollupHours.versionId, versionId), gte(rollupHours.hour, from), lt(rollupHours.hour, to)))
        .orderBy(asc(rollupHours.hour)),
    labeled: (versionId, from, to): Promise<LabeledRow[]> =>
      db
        .select(LABELED_COLUMNS)
        .from(rollupLabeledHours)
        .where(and(eq(rollupLabeledHours.versionId, versionId), gte(rollupLabeledHours.hour, from), lt(rollupLabeledHours.hour, to)))
        .orderBy(asc(rollupLabeledHours.hour)),
    firstHours: (versionId, n): Promise<HourRow[]> =>
      db.select(HOUR_COLUMNS).from(rollupHours).where(eq(rollupHours.versionId, versionId)).orderBy(asc(rollupHours.hour)).limit(n),
    firstLabeled: (versionId, n): Promise<LabeledRow[]> =>
      db
        .select(LABELED_COLUMNS)
        .from(rollupLabeledHours)
        .where(and(eq(rollupLabeledHours.versionId, versionId), gt(rollupLabeledHours.labeled, 0)))
        .orderBy(asc(rollupLabeledHours.hour))
        .limit(n),
    versionsWithTraffic: (modelId, from, to) =>
      db
        .selectDistinct({ id: modelVersions.id, number: modelVersions.number })
        .from(rollupHours)
        .innerJoin(modelVersions, eq(modelVersions.id, rollupHours.versionId))
        .where(and(eq(modelVersions.modelId, modelId), gte(rollupHours.hour, from), lt(rollupHours.hour, to)))
        .orderBy(asc(modelVersions.number)),
  };
}

const HOUR_SQL = 'SELECT version_id, hour, count, latency, predictions::text AS predictions, features, quality FROM rollup_hours';
/** A record (its time column `ts`) whose hour (UTC, as the fold's) is in [$2, $3); the plain bounds let the (version_id, ts) index narrow it. */
const inHours = (ts: string) => `${ts} >= $2 AND ${ts} < $3::bigint + 3600000 AND ${hourOfSql(ts)} >= $2 AND ${hourOfSql(ts)} < $3`;

/** Merges a version's log records not folded yet into its stored hours (in the reads' snapshot: ./rollups.ts withPendingPg). */
export type MergePending = (hours: HourRow[], pending: PgFoldRecord[], q: Queryable, truncated: boolean) => Promise<HourRow[]>;

/** A version's stored hours in [from, to) and the unfolded records of those hours. */
export function hoursWithPendingPg(db: PgDb, versionId: number, from: number, to: number, merge: MergePending, limit: number): Promise<HourRow[]> {
  return withPendingPg(
    db,
    async (q) => (await q.query<HourRow>(`${HOUR_SQL} WHERE version_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour`, [versionId, from, to])).rows,
    `version_id = $1 AND ${inHours('ts')}`,
    [versionId, from, to],
    merge,
    limit,
  );
}

/** A version's first `n` stored hours and all its unfolded records. */
export function firstHoursWithPendingPg(db: PgDb, versionId: number, n: number, merge: MergePending, limit: number): Promise<HourRow[]> {
  return withPendingPg(
    db,
    async (q) => (await q.query<HourRow>(`${HOUR_SQL} WHERE version_id = $1 ORDER BY hour LIMIT $2`, [versionId, n])).rows,
    'version_id = $1',
    [versionId],
    merge,
    limit,
  );
}

/** The model's versions with traffic in hours [from, to): in the rollups or in log records not folded yet (one statement: one snapshot). */
export async function versionsWithTrafficPendingPg(db: PgDb, modelId: number, from: number, to: number): Promise<{ id: number; number: number }[]> {
  const { rows } = await db.$client.query<{ id: number; number: number }>(
    `SELECT v.id, v.number FROM model_versions v WHERE v.model_id = $1 AND (
       EXISTS (SELECT 1 FROM rollup_hours r WHERE r.version_id = v.id AND r.hour >= $2 AND r.hour < $3)
       OR EXISTS (SELECT 1 FROM prediction_requests p WHERE p.version_id = v.id AND p.xid >= ${WATERMARK_XID} AND ${inHours('p.ts')}))
     ORDER BY v.number`,
    [modelId, from, to],
  );
  return rows;
}
