// GET /api/v1/storage: how big the database is, what the prediction log holds and how fast it grows,
// and the retention in force with what the last sweep did (Settings → Storage).
import { dailyPredictions, fileSizes, lastSweep, logTotals, oldestPredictions, pageFigures, retentionTargets } from '../../../db/queries/retention';
import { env } from '../../env';
import { DAY_MS } from '../../metrics/buckets';
import { retentionDays } from '../../schemas/monitoring';
import type { StorageDto } from '../../schemas/storage';
import { AppError } from '../../errors';
import { isPgHandle, runtime } from '../../runtime/runtime';

const iso = (ms: number) => new Date(ms).toISOString();
const GROWTH_DAYS = 7;

export function storageStatus(now = Date.now()): StorageDto {
  const { database } = runtime();
  if (isPgHandle(database))
    throw new AppError(
      'conflict',
      'storage: these figures are of the embedded SQLite file; with DATABASE_URL, PostgreSQL reports its own (pg_database_size, pg_stat_user_tables)',
    );
  const { db } = database;
  const pages = pageFigures(db);
  const files = fileSizes(database.path);
  const totals = logTotals(db);
  const targets = retentionTargets(db);
  const oldest = [
    ...oldestPredictions(
      db,
      targets.versions.map((v) => v.id),
    ).values(),
  ];
  const used = (pages.pages - pages.freePages) * pages.pageSize;
  const perPrediction = totals.rows > 0 ? used / totals.rows : null;

  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const counted = new Map(dailyPredictions(db, today - GROWTH_DAYS * DAY_MS).map((d) => [d.day, d.n]));
  const days = Array.from({ length: GROWTH_DAYS }, (_, i) => today - (GROWTH_DAYS - i) * DAY_MS).map((day) => ({
    day: iso(day).slice(0, 10),
    predictions: counted.get(day) ?? 0,
  }));
  const perDay = days.reduce((n, d) => n + d.predictions, 0) / GROWTH_DAYS;

  const global = env.RETENTION_DAYS ?? null;
  const models = targets.models.flatMap((m): StorageDto['retention']['models'] => {
    const own = retentionDays(m.policy, null);
    if (own !== null) return [{ model: m.name, days: own, source: 'policy' }];
    return global !== null ? [{ model: m.name, days: global, source: 'global' }] : [];
  });
  const sweep = lastSweep(db);
  return {
    database: {
      file_bytes: files.db,
      wal_bytes: files.wal,
      page_size: pages.pageSize,
      pages: pages.pages,
      free_pages: pages.freePages,
      auto_vacuum: pages.autoVacuum,
    },
    log: {
      requests: totals.requests,
      predictions: totals.rows,
      outcomes: totals.outcomes,
      oldest: oldest.length ? iso(Math.min(...oldest)) : null,
      bytes_per_prediction: perPrediction === null ? null : Math.round(perPrediction),
    },
    growth: { days, predictions_per_day: Math.round(perDay), bytes_per_day: perPrediction === null ? null : Math.round(perDay * perPrediction) },
    retention: {
      days: global,
      interval_ms: env.RETENTION_INTERVAL_MS,
      models,
      last_prune: sweep ? { at: iso(sweep.at), requests: sweep.requests, rows: sweep.rows, ms: sweep.ms, freed_bytes: sweep.freedBytes } : null,
    },
  };
}
