// Wire types of GET /api/v1/storage: the database's size, what the prediction log holds, how fast it
// grows, and the retention in force (the Settings page's storage panel). Client-safe.

/** Where model files live (ARTIFACT_STORE, lib/runtime/artifacts); also recorded in a backup's manifest. */
export const ARTIFACT_STORES = ['fs', 'pg', 's3'] as const;
export type ArtifactStoreName = (typeof ARTIFACT_STORES)[number];

export interface StorageDto {
  /** The engine the figures are of: the embedded SQLite file, or PostgreSQL (DATABASE_URL). */
  engine: 'sqlite' | 'postgresql';
  /** The SQLite file; null on PostgreSQL (see `postgresql`). */
  database: {
    /** The SQLite file and its write-ahead log, in bytes. */
    file_bytes: number;
    wal_bytes: number;
    page_size: number;
    pages: number;
    /** Pages freed (by pruning or erasure) not yet given back to the disk. */
    free_pages: number;
    /** `incremental`: pruned pages go back to the disk after each sweep; `none`: they are reused, the file does not shrink. */
    auto_vacuum: 'none' | 'full' | 'incremental';
  } | null;
  /** PostgreSQL's figures; null on SQLite. */
  postgresql: {
    /** pg_database_size of the app's database (its share of the cluster's WAL is not counted). */
    database_bytes: number;
    /** The prediction log: every monthly partition with its indexes. */
    log_bytes: number;
    /** The log's monthly partitions (UTC, YYYY-MM), oldest first: retention drops whole months. */
    months: { month: string; bytes: number }[];
  } | null;
  log: {
    /** Logged requests and the predicted rows they hold. */
    requests: number;
    predictions: number;
    outcomes: number;
    /** The oldest logged prediction still kept; null when the log is empty. */
    oldest: string | null;
    /** Bytes of the database per logged prediction (an estimate: the used pages over the rows). */
    bytes_per_prediction: number | null;
  };
  growth: {
    /** Predictions logged per UTC day over the last 7 complete days, oldest first (from the hourly rollups). */
    days: { day: string; predictions: number }[];
    predictions_per_day: number;
    /** predictions_per_day × bytes_per_prediction; null without an estimate. */
    bytes_per_day: number | null;
  };
  retention: {
    /** RETENTION_DAYS; null: kept forever unless a model's policy says otherwise. */
    days: number | null;
    interval_ms: number;
    /** Models whose retention is not the global one, or every model with a retention when there is a global one. */
    models: { model: string; days: number | null; source: 'policy' | 'global' }[];
    /** The last sweep that deleted anything; null: none yet. On PostgreSQL freed_bytes counts the months dropped whole (their rows are not in rows). */
    last_prune: { at: string; requests: number; rows: number; ms: number; freed_bytes: number } | null;
  };
}
