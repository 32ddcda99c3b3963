// Reads of the rollups for the monitoring API: a version's hours in a range, and the first ones.
// Asynchronous in both dialects (PostgreSQL's twin: db/pg/queries/monitoring.ts); SQLite's are
// prepared statements run at once, so a read costs it a resolved promise and nothing more.
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { monitoringReadsPg } from '../pg/queries/monitoring';
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

export interface MonitoringReads {
  /** A version's hours in [from, to), in hour order. */
  hours(versionId: number, from: number, to: number): Promise<HourRow[]>;
  labeled(versionId: number, from: number, to: number): Promise<LabeledRow[]>;
  /** A version's first `n` hours with traffic. */
  firstHours(versionId: number, n: number): Promise<HourRow[]>;
  /** A version's first `n` hours with labels. */
  firstLabeled(versionId: number, n: number): Promise<LabeledRow[]>;
  /** The model's versions with traffic in [from, to), by number. */
  versionsWithTraffic(modelId: number, from: number, to: number): Promise<{ id: number; number: number }[]>;
}

/** The rollup reads of this connection (SQLite's prepared once). */
export function monitoringReads(db: AnyDb): MonitoringReads {
  if (isPg(db)) return monitoringReadsPg(db);
  return prepared(db, 'monitoring', prepareMonitoringReads);
}

function prepareMonitoringReads(sqlite: Db['$client']): MonitoringReads {
  const hours = sqlite.prepare('SELECT * FROM rollup_hours WHERE version_id = ? AND hour >= ? AND hour < ? ORDER BY hour');
  const labeled = sqlite.prepare('SELECT * FROM rollup_labeled_hours WHERE version_id = ? AND hour >= ? AND hour < ? ORDER BY hour');
  const firstHours = sqlite.prepare('SELECT * FROM rollup_hours WHERE version_id = ? ORDER BY hour LIMIT ?');
  const firstLabeled = sqlite.prepare('SELECT * FROM rollup_labeled_hours WHERE version_id = ? AND labeled > 0 ORDER BY hour LIMIT ?');
  const versionsWithTraffic = sqlite.prepare(
    `SELECT DISTINCT v.id, v.number FROM rollup_hours r JOIN model_versions v ON v.id = r.version_id
     WHERE v.model_id = ? AND r.hour >= ? AND r.hour < ? ORDER BY v.number`,
  );
  return {
    hours: async (versionId, from, to) => hours.all(versionId, from, to) as HourRow[],
    labeled: async (versionId, from, to) => labeled.all(versionId, from, to) as LabeledRow[],
    firstHours: async (versionId, n) => firstHours.all(versionId, n) as HourRow[],
    firstLabeled: async (versionId, n) => firstLabeled.all(versionId, n) as LabeledRow[],
    versionsWithTraffic: async (modelId, from, to) => versionsWithTraffic.all(modelId, from, to) as { id: number; number: number }[],
  };
}

export const parseStats = (s: string) => JSON.parse(s) as LabeledStats;
export const parseDistribution = (s: string) => JSON.parse(s) as PredictionDistribution;
