// The rollups' side of the prediction log: reading new records past the watermark, a version's
// drift profile, and folding a batch of hour aggregates into rollup_hours while moving the
// watermark, in one transaction this module owns (see lib/server/monitoring/rollup.ts).
import { prepared, type Db } from '../client';

const WATERMARK = 'rollup_rowid';

export interface LogRow {
  rowid: number;
  version_id: number;
  ts: number;
  rows: number;
  input_codec: number;
  inputs: Buffer;
  labels: string | null;
  output_values: Buffer | null;
  latency_us: number;
  source: number;
}
export interface VersionForRollup {
  profile: string | null;
  feature_names: string | null;
  signature: string;
  reference: string | null;
}
export interface StoredHour {
  count: number;
  latency: Buffer;
  predictions: string;
  features: Buffer | null;
  quality: Buffer | null;
}
export interface HourWrite {
  versionId: number;
  hour: number;
  merge: (old: StoredHour | undefined) => StoredHour;
}

function prepareRollupStatements(sqlite: Db['$client']) {
  return {
    watermark: sqlite.prepare(`SELECT value FROM monitoring_state WHERE key = '${WATERMARK}'`).pluck(),
    setWatermark: sqlite.prepare(`INSERT INTO monitoring_state (key, value) VALUES ('${WATERMARK}', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`),
    sizes: sqlite.prepare('SELECT rowid, rows FROM prediction_requests WHERE rowid > ? ORDER BY rowid LIMIT ?'),
    range: sqlite.prepare(
      `SELECT rowid, version_id, ts, rows, input_codec, inputs, labels, output_values, latency_us, source
       FROM prediction_requests WHERE rowid > ? AND rowid <= ? ORDER BY rowid`,
    ),
    last: sqlite.prepare('SELECT max(rowid) FROM prediction_requests').pluck(),
    version: sqlite.prepare('SELECT profile, feature_names, signature, reference FROM model_versions WHERE id = ?'),
    firstRequests: sqlite.prepare('SELECT input_codec, inputs, rows FROM prediction_requests WHERE version_id = ? ORDER BY rowid LIMIT ?'),
    saveProfile: sqlite.prepare('UPDATE model_versions SET profile = ? WHERE id = ? AND profile IS NULL'),
    hour: sqlite.prepare('SELECT count, latency, predictions, features, quality FROM rollup_hours WHERE version_id = ? AND hour = ?'),
    upsertHour: sqlite.prepare(
      'INSERT OR REPLACE INTO rollup_hours (version_id, hour, count, latency, predictions, features, quality) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
  };
}

const statements = (db: Db) => prepared(db, 'rollups', prepareRollupStatements);

/** The last prediction_requests rowid folded into the rollups (0: none yet). */
export function rollupWatermark(db: Db): number {
  return (statements(db).watermark.get() as number | undefined) ?? 0;
}

/** The last rowid of the log (0 when empty). */
export function lastLogRowid(db: Db): number {
  return (statements(db).last.get() as number | null) ?? 0;
}

/**
 * The highest rowid of the log that may be deleted (retention, erasure) without making the rollups
 * wrong: only rows the rollup has folded (at or below its watermark), and never the table's last
 * row — SQLite gives a new row max(rowid) + 1, so deleting the last one would hand its rowid, already
 * below the watermark, to the next prediction, which the rollup would then never fold.
 */
export function deletableLogRowid(db: Db): number {
  return Math.min(rollupWatermark(db), lastLogRowid(db) - 1);
}

/**
 * Log records after rowid `from`, in log order: up to `limit` records holding up to `maxRows`
 * predicted rows (always at least one record); `more` when records were left behind. The row
 * counts are read first (no inputs), then only the records that fit: reading `limit` whole records
 * to keep the first few (a slice of 100-row requests holds 200) read 25× the inputs it folded, and
 * stepping through them one at a time cost 2.5 µs a record.
 */
export function logRecordsAfter(db: Db, from: number, limit: number, maxRows: number): { records: LogRow[]; more: boolean } {
  const st = statements(db);
  const sizes = st.sizes.all(from, limit + 1) as { rowid: number; rows: number }[];
  if (sizes.length === 0) return { records: [], more: false };
  let take = 0;
  let rows = 0;
  while (take < Math.min(sizes.length, limit) && (take === 0 || rows + sizes[take].rows <= maxRows)) rows += sizes[take++].rows;
  const records = st.range.all(from, sizes[take - 1].rowid) as LogRow[];
  return { records, more: take < sizes.length };
}

export function versionForRollup(db: Db, versionId: number): VersionForRollup | undefined {
  return statements(db).version.get(versionId) as VersionForRollup | undefined;
}

/** A version's first logged requests (their packed inputs), for a traffic profile. */
export function firstRequests(db: Db, versionId: number, limit: number): { input_codec: number; inputs: Buffer; rows: number }[] {
  return statements(db).firstRequests.all(versionId, limit) as { input_codec: number; inputs: Buffer; rows: number }[];
}

/** Saves a drift profile learned from traffic, unless the version got one meanwhile. */
export function saveTrafficProfile(db: Db, versionId: number, profile: unknown): void {
  statements(db).saveProfile.run(JSON.stringify(profile), versionId);
}

/**
 * Merges the hours into rollup_hours and moves the watermark from `from` to `to`, in one IMMEDIATE
 * transaction; gives up (returns false, writing nothing) when another connection moved the
 * watermark meanwhile, so a record is never counted twice.
 */
export function foldHours(db: Db, from: number, to: number, hours: Iterable<HourWrite>): boolean {
  const st = statements(db);
  return db.$client
    .transaction(() => {
      if (((st.watermark.get() as number | undefined) ?? 0) !== from) return false;
      for (const h of hours) {
        const merged = h.merge(st.hour.get(h.versionId, h.hour) as StoredHour | undefined);
        st.upsertHour.run(h.versionId, h.hour, merged.count, merged.latency, merged.predictions, merged.features, merged.quality);
      }
      st.setWatermark.run(to);
      return true;
    })
    .immediate();
}

/** Forgets the hourly rollups and the watermark, so the next folds start over from the first record (benchmarks, on a copy). */
export function resetRollups(db: Db): void {
  const st = statements(db);
  db.$client.transaction(() => {
    db.$client.prepare('DELETE FROM rollup_hours').run();
    st.setWatermark.run(0);
  })();
}
