// Reads of the rollups for the monitoring API: a version's hours in a range, and the first ones.
import { prepared, type Db } from '../client';
import type { LabeledStats, PredictionDistribution } from '../schema';

export interface HourRow {
  version_id: number;
  hour: number;
  count: number;
  latency: Buffer;
  predictions: string;
  features: Buffer | null;
  /** Data quality counts (u32 × features × 3), null for hours folded before they were counted. */
  quality: Buffer | null;
}
export interface LabeledRow {
  version_id: number;
  hour: number;
  labeled: number;
  stats: string;
}

export type MonitoringReads = ReturnType<typeof prepareMonitoringReads>;

/** The rollup reads, prepared once per connection. */
export function monitoringReads(db: Db): MonitoringReads {
  return prepared(db, 'monitoring', prepareMonitoringReads);
}

function prepareMonitoringReads(sqlite: Db['$client']) {
  const hours = sqlite.prepare('SELECT * FROM rollup_hours WHERE version_id = ? AND hour >= ? AND hour < ? ORDER BY hour');
  const labeled = sqlite.prepare('SELECT * FROM rollup_labeled_hours WHERE version_id = ? AND hour >= ? AND hour < ? ORDER BY hour');
  const firstHours = sqlite.prepare('SELECT * FROM rollup_hours WHERE version_id = ? ORDER BY hour LIMIT ?');
  const firstLabeled = sqlite.prepare('SELECT * FROM rollup_labeled_hours WHERE version_id = ? AND labeled > 0 ORDER BY hour LIMIT ?');
  const versionsWithTraffic = sqlite.prepare(
    `SELECT DISTINCT v.id, v.number FROM rollup_hours r JOIN model_versions v ON v.id = r.version_id
     WHERE v.model_id = ? AND r.hour >= ? AND r.hour < ? ORDER BY v.number`,
  );
  return {
    hours: (versionId: number, from: number, to: number) => hours.all(versionId, from, to) as HourRow[],
    labeled: (versionId: number, from: number, to: number) => labeled.all(versionId, from, to) as LabeledRow[],
    firstHours: (versionId: number, n: number) => firstHours.all(versionId, n) as HourRow[],
    firstLabeled: (versionId: number, n: number) => firstLabeled.all(versionId, n) as LabeledRow[],
    versionsWithTraffic: (modelId: number, from: number, to: number) => versionsWithTraffic.all(modelId, from, to) as { id: number; number: number }[],
  };
}

export const parseStats = (s: string) => JSON.parse(s) as LabeledStats;
export const parseDistribution = (s: string) => JSON.parse(s) as PredictionDistribution;
