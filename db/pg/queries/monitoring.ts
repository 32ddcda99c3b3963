// Reads of the rollups for the monitoring API on PostgreSQL (twin of db/queries/monitoring.ts, same
// rows): jsonb columns come back as text, as SQLite stores them, so one parser serves both.
import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { HourRow, LabeledRow, MonitoringReads } from '../../queries/monitoring';
import type { PgDb } from '../client';
import { WATERMARK_XID, withPendingPg, type PgFoldRecord, type Queryable } from './rollups';
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
/** A record whose hour (UTC, as the fold's) is in [$2, $3); the plain bounds let the (version_id, ts) index narrow it. */
const IN_HOURS = 'ts >= $2 AND ts < $3::bigint + 3600000 AND ts - ts % 3600000 >= $2 AND ts - ts % 3600000 < $3';

/** Merges a version's log records not folded yet into its stored hours (in the reads' snapshot: ./rollups.ts withPendingPg). */
export type MergePending = (hours: HourRow[], pending: PgFoldRecord[], q: Queryable) => Promise<HourRow[]>;

/** A version's stored hours in [from, to) and the unfolded records of those hours. */
export function hoursWithPendingPg(db: PgDb, versionId: number, from: number, to: number, merge: MergePending): Promise<HourRow[]> {
  return withPendingPg(
    db,
    async (q) => (await q.query<HourRow>(`${HOUR_SQL} WHERE version_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour`, [versionId, from, to])).rows,
    `version_id = $1 AND ${IN_HOURS}`,
    [versionId, from, to],
    merge,
  );
}

/** A version's first `n` stored hours and all its unfolded records. */
export function firstHoursWithPendingPg(db: PgDb, versionId: number, n: number, merge: MergePending): Promise<HourRow[]> {
  return withPendingPg(
    db,
    async (q) => (await q.query<HourRow>(`${HOUR_SQL} WHERE version_id = $1 ORDER BY hour LIMIT $2`, [versionId, n])).rows,
    'version_id = $1',
    [versionId],
    merge,
  );
}

/** The model's versions with unfolded records in hours [from, to). */
export async function pendingVersionsPg(db: PgDb, modelId: number, from: number, to: number): Promise<{ id: number; number: number }[]> {
  const { rows } = await db.$client.query<{ id: number; number: number }>(
    `SELECT DISTINCT v.id, v.number FROM prediction_requests p JOIN model_versions v ON v.id = p.version_id
     WHERE v.model_id = $1 AND p.xid >= ${WATERMARK_XID} AND ${IN_HOURS.replaceAll('ts', 'p.ts')}`,
    [modelId, from, to],
  );
  return rows;
}
