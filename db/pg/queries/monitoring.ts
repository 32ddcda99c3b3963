// Reads of the rollups for the monitoring API on PostgreSQL (twin of db/queries/monitoring.ts, same
// rows): jsonb columns come back as text, as SQLite stores them, so one parser serves both.
import { and, asc, eq, gt, gte, lt, sql } from 'drizzle-orm';
import type { HourRow, LabeledRow, MonitoringReads } from '../../queries/monitoring';
import type { PgDb } from '../client';
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
