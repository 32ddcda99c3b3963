// Prediction log writes (prepared, batched) and the serving lookups of the hot path. These use
// better-sqlite3 statements directly: the query builder's per-call cost shows at 5 000 req/s.
// Those two stay SQLite's (PostgreSQL's log writer is db/pg/queries/log.ts); the reads of the log
// by id below serve both dialects (twins in db/pg/queries/predictions.ts).
import { eq, inArray, sql } from 'drizzle-orm';
import { isPg, type AnyDb } from '../any-db';
import { prepared, type Db } from '../client';
import { countPredictedRowsPg, findOutcomesPg, findRequestsPg } from '../pg/queries/predictions';
import { predictionId, type PredictionRecord } from '../prediction-ids';
import { modelVersions, models, outcomes, PREDICTION_SOURCES, predictionRequests, type PredictionRequestRow } from '../schema';

export { erasedRows, parsePredictionId, predictionId, requestTime, ROW_SUFFIX, type PredictionRecord } from '../prediction-ids';

/**
 * The function that writes a batch of request records (and their client keys, at the record's
 * time) in one transaction, which it owns. Shadow records keep their client ids but never take the
 * keys: outcomes by client id must find the answered prediction.
 *
 * It never waits for another connection's write lock (the rollup thread's fold, a retention batch,
 * a `sqlite3` shell): it throws at once (`isLockBusy`), having written nothing, and the log writer
 * tries again on a later turn. The connection's busy timeout would instead sleep the serving thread
 * in steps of 1, 2, 5, 10 … ms, and every request with it (issue 13).
 */
export function predictionInserter(db: Db): (records: PredictionRecord[]) => void {
  return prepared(db, 'prediction-insert', (sqlite) => {
    // Positional parameters: binding by name costs a lookup per column.
    const insert = sqlite.prepare(
      `INSERT INTO prediction_requests (id, model_id, version_id, alias, ts, rows, input_codec, inputs, labels, output_values, probabilities, classes, client_ids, latency_us, source, pair_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const key = sqlite.prepare('INSERT INTO prediction_keys (model_id, client_id, ts, prediction_id) VALUES (?, ?, ?, ?)');
    // A read first, so the transaction holds a read snapshot when its first insert asks for the write
    // lock: SQLite calls the busy handler only for a connection that holds no transaction yet, and
    // otherwise answers SQLITE_BUSY at once (and better-sqlite3 rolls the transaction back). Cheaper
    // than setting the busy timeout to 0 around the commit (two pragmas, ~7 µs per commit).
    const readFirst = sqlite.prepare('SELECT 1 FROM prediction_requests WHERE rowid = 0').pluck();
    const insertAll = sqlite.transaction((records: PredictionRecord[]) => {
      readFirst.get();
      for (const r of records) {
        insert.run(
          r.id,
          r.modelId,
          r.versionId,
          r.alias,
          r.ts,
          r.rows,
          r.inputCodec,
          r.inputs,
          r.labels,
          r.outputValues,
          r.probabilities,
          r.classes,
          r.clientIds ? JSON.stringify(r.clientIds) : null,
          r.latencyUs,
          r.source,
          r.pairId ?? null,
        );
        if (r.clientIds && r.source !== PREDICTION_SOURCES.shadow) r.clientIds.forEach((c, i) => key.run(r.modelId, c, r.ts, predictionId(r.id, i)));
      }
    });
    return insertAll;
  });
}

/** What serving needs to know about one version, in one row. */
export interface ServingRow {
  model_id: number;
  model_name: string;
  task: string;
  labels: string | null;
  model_updated_at: number;
  version_id: number;
  number: number;
  sha256: string;
  signature: string;
  feature_names: string | null;
  output: string | null;
  archived_at: number | null;
}

const COLUMNS = `m.id AS model_id, m.name AS model_name, m.task, m.labels, m.updated_at AS model_updated_at,
  v.id AS version_id, v.number, v.sha256, v.signature, v.feature_names, v.output, v.archived_at`;

export interface ServingLookups {
  model(name: string): { id: number } | undefined;
  byAlias(name: string, alias: string): ServingRow | undefined;
  byNumber(name: string, number: number): ServingRow | undefined;
  byVersionId(versionId: number): ServingRow | undefined;
  /** The alias's weighted split (empty when it has none), in the order it was given. */
  split(modelId: number, alias: string): { version_id: number; weight: number }[];
  /** Version ids shadowing the model's production traffic. */
  shadows(modelId: number): number[];
  versionNumbers(modelId: number): number[];
  productionShas(): string[];
}

/** The lookups serving makes when a target is not cached yet (synchronous, prepared once per connection). */
export function servingLookups(db: Db): ServingLookups {
  return prepared(db, 'serving', (sqlite): ServingLookups => {
    const model = sqlite.prepare('SELECT id FROM models WHERE name = ?');
    const byAlias = sqlite.prepare(
      `SELECT ${COLUMNS} FROM models m JOIN aliases a ON a.model_id = m.id JOIN model_versions v ON v.id = a.version_id
     WHERE m.name = ? AND a.name = ?`,
    );
    const byNumber = sqlite.prepare(`SELECT ${COLUMNS} FROM models m JOIN model_versions v ON v.model_id = m.id WHERE m.name = ? AND v.number = ?`);
    const byVersionId = sqlite.prepare(`SELECT ${COLUMNS} FROM models m JOIN model_versions v ON v.model_id = m.id WHERE v.id = ?`);
    const split = sqlite.prepare('SELECT version_id, weight FROM alias_weights WHERE model_id = ? AND name = ? ORDER BY rowid');
    const shadowIds = sqlite.prepare('SELECT version_id FROM shadows WHERE model_id = ? ORDER BY version_id').pluck();
    const numbers = sqlite.prepare('SELECT number FROM model_versions WHERE model_id = ? AND archived_at IS NULL ORDER BY number').pluck();
    const production = sqlite
      .prepare(
        `SELECT DISTINCT v.sha256 FROM model_versions v WHERE v.id IN
       (SELECT version_id FROM aliases WHERE name = 'production' UNION SELECT version_id FROM alias_weights WHERE name = 'production')`,
      )
      .pluck();
    return {
      model: (name) => model.get(name) as { id: number } | undefined,
      byAlias: (name, alias) => byAlias.get(name, alias) as ServingRow | undefined,
      byNumber: (name, number) => byNumber.get(name, number) as ServingRow | undefined,
      byVersionId: (versionId) => byVersionId.get(versionId) as ServingRow | undefined,
      split: (modelId, alias) => split.all(modelId, alias) as { version_id: number; weight: number }[],
      shadows: (modelId) => shadowIds.all(modelId) as number[],
      versionNumbers: (modelId) => numbers.all(modelId) as number[],
      productionShas: () => production.all() as string[],
    };
  });
}

export interface LoggedRequest extends PredictionRequestRow {
  modelName: string;
  versionNumber: number;
}

/** The logged requests with these ids, with their model's name and version number. */
export async function findRequests(db: AnyDb, requestIds: string[]): Promise<LoggedRequest[]> {
  if (requestIds.length === 0) return [];
  if (isPg(db)) return findRequestsPg(db, requestIds);
  const rows = db
    .select({ r: predictionRequests, modelName: models.name, versionNumber: modelVersions.number })
    .from(predictionRequests)
    .innerJoin(models, eq(models.id, predictionRequests.modelId))
    .innerJoin(modelVersions, eq(modelVersions.id, predictionRequests.versionId))
    .where(inArray(predictionRequests.id, requestIds))
    .all();
  return rows.map((x) => ({ ...x.r, modelName: x.modelName, versionNumber: x.versionNumber }));
}

export interface StoredOutcomeRow {
  predictionId: string;
  actualLabel: string | null;
  actualValue: number | null;
  ts: number;
}

/** The outcomes reported for these prediction ids (ids without one are left out). */
export async function findOutcomes(db: AnyDb, predictionIds: string[]): Promise<StoredOutcomeRow[]> {
  if (predictionIds.length === 0) return [];
  if (isPg(db)) return findOutcomesPg(db, predictionIds);
  return db
    .select({ predictionId: outcomes.predictionId, actualLabel: outcomes.actualLabel, actualValue: outcomes.actualValue, ts: outcomes.ts })
    .from(outcomes)
    .where(inArray(outcomes.predictionId, predictionIds))
    .all();
}

/** How many predicted rows the log holds. */
export async function countPredictedRows(db: AnyDb): Promise<number> {
  if (isPg(db)) return countPredictedRowsPg(db);
  return db
    .select({ n: sql<number>`coalesce(sum(${predictionRequests.rows}), 0)` })
    .from(predictionRequests)
    .get()!.n;
}
