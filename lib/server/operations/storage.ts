// GET /api/v1/storage: how big the database is, what the prediction log holds and how fast it grows,
// and the retention in force with what the last sweep did (Settings → Storage).
import {
  dailyPredictions,
  fileSizes,
  lastSweep,
  logTotals,
  oldestPredictions,
  pageFigures,
  retentionTargets,
  type SweepRecord,
} from '../../../db/queries/retention';
import { lastSweepPg, storageFiguresPg } from '../../../db/pg/queries/storage';
import { retentionModelsPg } from '../../../db/pg/queries/verdicts';
import { env } from '../../env';
import { DAY_MS } from '../../metrics/buckets';
import { retentionDays } from '../../schemas/monitoring';
import type { StorageDto } from '../../schemas/storage';
import { isPgHandle, runtime } from '../../runtime/runtime';

const iso = (ms: number) => new Date(ms).toISOString();
const GROWTH_DAYS = 7;

export async function storageStatus(now = Date.now()): Promise<StorageDto> {
  const { database } = runtime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const since = today - GROWTH_DAYS * DAY_MS;
  if (isPgHandle(database)) {
    const f = await storageFiguresPg(database.db, since);
    const months = f.partitions.map((p) => ({ month: iso(p.from).slice(0, 7), bytes: p.bytes }));
    const logBytes = months.reduce((n, m) => n + m.bytes, 0);
    return storageDto(today, {
      engine: 'postgresql',
      database: null,
      postgresql: {
        database_bytes: f.databaseBytes,
        log_bytes: logBytes,
        months,
      },
      totals: f,
      usedBytes: logBytes,
      oldest: f.oldest,
      daily: f.daily,
      models: await retentionModelsPg(database.db),
      sweep: await lastSweepPg(database.db),
    });
  }
  const { db } = database;
  const pages = pageFigures(db);
  const files = fileSizes(database.path);
  const targets = retentionTargets(db);
  const oldest = [
    ...oldestPredictions(
      db,
      targets.versions.map((v) => v.id),
    ).values(),
  ];
  return storageDto(today, {
    engine: 'sqlite',
    database: {
      file_bytes: files.db,
      wal_bytes: files.wal,
      page_size: pages.pageSize,
      pages: pages.pages,
      free_pages: pages.freePages,
      auto_vacuum: pages.autoVacuum,
    },
    postgresql: null,
    totals: logTotals(db),
    usedBytes: (pages.pages - pages.freePages) * pages.pageSize,
    oldest: oldest.length ? Math.min(...oldest) : null,
    daily: dailyPredictions(db, since),
    models: targets.models,
    sweep: lastSweep(db),
  });
}

/** The answer from either engine's figures: growth, the estimate per prediction and the retention in force. */
function storageDto(
  /** The start of the current UTC day: growth counts the days before it. */
  today: number,
  f: Pick<StorageDto, 'engine' | 'database' | 'postgresql'> & {
    totals: { requests: number; rows: number; outcomes: number };
    /** The bytes the log's estimate per prediction divides: the used pages (SQLite), the log's partitions (PostgreSQL). */
    usedBytes: number;
    oldest: number | null;
    daily: { day: number; n: number }[];
    models: { name: string; policy: Record<string, unknown> | null }[];
    sweep: SweepRecord | null;
  },
): StorageDto {
  const { totals, sweep } = f;
  const perPrediction = totals.rows > 0 ? f.usedBytes / totals.rows : null;
  const counted = new Map(f.daily.map((d) => [d.day, d.n]));
  const days = Array.from({ length: GROWTH_DAYS }, (_, i) => today - (GROWTH_DAYS - i) * DAY_MS).map((day) => ({
    day: iso(day).slice(0, 10),
    predictions: counted.get(day) ?? 0,
  }));
  const perDay = days.reduce((n, d) => n + d.predictions, 0) / GROWTH_DAYS;
  const global = env.RETENTION_DAYS ?? null;
  const models = f.models.flatMap((m): StorageDto['retention']['models'] => {
    const own = retentionDays(m.policy, null);
    if (own !== null) return [{ model: m.name, days: own, source: 'policy' }];
    return global !== null ? [{ model: m.name, days: global, source: 'global' }] : [];
  });
  return {
    engine: f.engine,
    database: f.database,
    postgresql: f.postgresql,
    log: {
      requests: totals.requests,
      predictions: totals.rows,
      outcomes: totals.outcomes,
      oldest: f.oldest === null ? null : iso(f.oldest),
      bytes_per_prediction: perPrediction === null ? null : Math.round(perPrediction),
    },
    growth: { days, predictions_per_day: Math.round(perDay), bytes_per_day: perPrediction === null ? null : Math.round(perDay * perPrediction) },
    retention: {
      days: global,
      interval_ms: env.RETENTION_INTERVAL_MS,
      models,
      last_prune: sweep ? { at: iso(sweep.at), requests: sweep.requests, rows: sweep.rows, ms: Math.round(sweep.ms), freed_bytes: sweep.freedBytes } : null,
    },
  };
}
