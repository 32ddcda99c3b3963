// The stored retraining verdict of each model, and the reads that keep it current: which models
// are served, which got traffic since a point in the log, and when a model first and last predicted.
import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { NotificationEvent } from '../../lib/webhook-payload';
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { listServedModelsPg, readModelTrafficPg, saveVerdictPg } from '../pg/queries/verdicts';
import { aliases, models, type ModelRow } from '../schema';
import { enqueueEvent } from './outbox';

/**
 * Stores the verdict with the overview's flag and its reasons (one per line), and in the same
 * transaction queues the webhook deliveries of what changed: `notify` is given the verdict stored
 * until now and the model's name, and returns the events of the transition (none when it is no
 * transition), so each transition is delivered once however many refreshes race to store it.
 */
export async function saveVerdict(
  db: AnyDb,
  modelId: number,
  v: { verdict: Record<string, unknown> | null; flag: boolean; reason: string | null },
  notify: (previous: Record<string, unknown> | null, model: string) => NotificationEvent[],
): Promise<void> {
  if (isPg(db)) return saveVerdictPg(db, modelId, v, notify);
  db.transaction(
    (tx) => {
      const before = tx.select({ verdict: models.verdict, name: models.name }).from(models).where(eq(models.id, modelId)).get();
      if (!before) return;
      tx.update(models).set({ verdict: v.verdict, needsRetraining: v.flag, retrainingReason: v.reason }).where(eq(models.id, modelId)).run();
      for (const e of notify(before.verdict ?? null, before.name)) enqueueEvent(tx, { ...e, modelId });
    },
    { behavior: 'immediate' },
  );
}

/** Every model that has a production alias (the ones a verdict is kept for). */
export async function listServedModels(db: AnyDb): Promise<ModelRow[]> {
  if (isPg(db)) return listServedModelsPg(db);
  return db
    .select({ model: models })
    .from(models)
    .innerJoin(aliases, eq(aliases.modelId, models.id))
    .where(eq(aliases.name, 'production'))
    .all()
    .map((r) => r.model);
}

/**
 * The stored verdicts of served models (those with a production alias) for /metrics, read at each
 * scrape in one query (a registry is small): at most `limit`, flagged models first so a cap never hides one.
 * Synchronous, as the scrape reads it; PostgreSQL's is listStoredVerdictsPg.
 */
export function listStoredVerdicts(db: Db, limit: number): { name: string; verdict: Record<string, unknown> }[] {
  return db
    .select({ name: models.name, verdict: models.verdict })
    .from(models)
    .innerJoin(aliases, and(eq(aliases.modelId, models.id), eq(aliases.name, 'production')))
    .where(isNotNull(models.verdict))
    .orderBy(desc(models.needsRetraining), asc(models.name))
    .limit(limit)
    .all()
    .filter((r): r is { name: string; verdict: Record<string, unknown> } => r.verdict !== null);
}

export type VerdictReads = ReturnType<typeof prepareVerdictReads>;

/** The verdict sweep's reads, prepared once per connection. */
export function verdictReads(db: Db): VerdictReads {
  return prepared(db, 'verdicts', prepareVerdictReads);
}

function prepareVerdictReads(sqlite: Db['$client']) {
  // rowid order is log order; the rollup watermark is a rowid, so this reads only the new tail.
  const touched = sqlite.prepare('SELECT DISTINCT model_id FROM prediction_requests WHERE rowid > ? AND rowid <= ?').pluck();
  const firstHour = sqlite.prepare('SELECT MIN(r.hour) FROM rollup_hours r JOIN model_versions v ON v.id = r.version_id WHERE v.model_id = ?').pluck();
  const firstLabeledHour = sqlite.prepare('SELECT MIN(hour) FROM rollup_labeled_hours WHERE version_id = ? AND labeled > 0').pluck();
  return {
    modelsWithTrafficBetween: (afterRowid: number, upToRowid: number) => touched.all(afterRowid, upToRowid) as number[],
    firstPredictionHour: (modelId: number) => (firstHour.get(modelId) as number | null) ?? null,
    firstLabeledHour: (versionId: number) => (firstLabeledHour.get(versionId) as number | null) ?? null,
  };
}

/**
 * Traffic of the overview's models: predictions per UTC day since `since` (from the hourly rollups,
 * every version, shadow copies included) and each model's latest logged prediction that was
 * answered or imported (one backward step of the (version_id, ts) index per version).
 */
export async function readModelTraffic(db: AnyDb, modelIds: number[], since: number): Promise<Map<number, { days: Map<number, number>; last: number | null }>> {
  if (isPg(db)) return readModelTrafficPg(db, modelIds, since);
  const sqlite = db.$client;
  const out = new Map<number, { days: Map<number, number>; last: number | null }>();
  if (modelIds.length === 0) return out;
  for (const id of modelIds) out.set(id, { days: new Map(), last: null });
  const marks = modelIds.map(() => '?').join(',');
  const days = sqlite
    .prepare(
      `SELECT v.model_id AS model_id, (r.hour / 86400000) * 86400000 AS day, SUM(r.count) AS n
     FROM model_versions v JOIN rollup_hours r ON r.version_id = v.id AND r.hour >= ?
     WHERE v.model_id IN (${marks}) GROUP BY v.model_id, day`,
    )
    .all(since, ...modelIds) as { model_id: number; day: number; n: number }[];
  for (const d of days) out.get(d.model_id)!.days.set(d.day, d.n);
  const versions = sqlite.prepare(`SELECT id, model_id FROM model_versions WHERE model_id IN (${marks})`).all(...modelIds) as {
    id: number;
    model_id: number;
  }[];
  const last = sqlite.prepare('SELECT ts FROM prediction_requests WHERE version_id = ? AND source <> 2 ORDER BY ts DESC LIMIT 1').pluck();
  for (const v of versions) {
    const ts = last.get(v.id) as number | undefined;
    const t = out.get(v.model_id)!;
    if (ts !== undefined && (t.last === null || ts > t.last)) t.last = ts;
  }
  return out;
}
