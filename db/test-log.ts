// For store suites that run on both dialects (db/queries/*.suite.ts): the prediction log written,
// outcomes recorded and the log folded through each dialect's own path, and a record to log.
import { isPg, type AnyDb } from './any-db';
import { insertPredictions } from './pg/queries/log';
import { inOutcomeTransactionPg } from './pg/queries/outcomes';
import { foldByHorizon } from './pg/queries/rollups';
import type { PredictionRecord } from './prediction-ids';
import { inOutcomeTransaction, outcomeStore, type OutcomeWrite } from './queries/outcomes';
import { predictionInserter } from './queries/predictions';
import { foldHours, lastLogRowid, rollupWatermark } from './queries/rollups';
import { INPUT_CODECS, PREDICTION_SOURCES } from './schema';

/** Logs the records in one batch (SQLite's prepared inserter, PostgreSQL's log writer). */
export async function logRecords(db: AnyDb, records: PredictionRecord[]): Promise<void> {
  if (isPg(db)) await insertPredictions(db.$client, records, db.partitions);
  else predictionInserter(db)(records);
}

/** Stores outcome rows as the outcome store writes them (no rollup change). */
export async function storeOutcomes(db: AnyDb, writes: OutcomeWrite[]): Promise<void> {
  if (isPg(db)) await inOutcomeTransactionPg(db, { models: [], requestIds: [] }, async (st) => Promise.all(writes.map((w) => st.upsertOutcome(w))));
  else inOutcomeTransaction(db, (st) => writes.forEach((w) => st.upsertOutcome(w)));
}

/** The prediction an outcome by model + client id at `ts` joins (the outcome store's rule, in each dialect's store). */
export async function predictionIdForKey(db: AnyDb, modelId: number, clientId: string, ts: number): Promise<string | undefined> {
  if (!isPg(db)) return outcomeStore(db).predictionIdForKey(modelId, clientId, ts);
  return inOutcomeTransactionPg(db, { models: [], requestIds: [] }, (st) => st.predictionIdForKey(modelId, clientId, ts));
}

/** Marks everything logged so far as folded into the rollups (moves the watermark; the hours are left as they are). */
export async function markFolded(db: AnyDb): Promise<void> {
  if (!isPg(db)) {
    foldHours(db, rollupWatermark(db), lastLogRowid(db), []);
    return;
  }
  while ((await foldByHorizon(db, 1_000_000, 1_000_000_000, async () => [])).more);
}

/** A regression record of `clientIds.length` rows (float32 inputs of width 2, outputs 1.5, 2.5, …). */
export function logRecord(
  id: string,
  at: { modelId: number; versionId: number; ts: number },
  clientIds: string[] | null,
  extra: Partial<PredictionRecord> = {},
): PredictionRecord {
  const rows = clientIds?.length ?? 1;
  const outputs = Buffer.alloc(8 * rows);
  for (let r = 0; r < rows; r++) outputs.writeDoubleLE(1.5 + r, r * 8);
  return {
    id,
    modelId: at.modelId,
    versionId: at.versionId,
    alias: null,
    ts: at.ts,
    rows,
    inputCodec: INPUT_CODECS.f32,
    inputs: Buffer.from(new Float32Array(Array.from({ length: rows * 2 }, (_, i) => i)).buffer),
    labels: null,
    outputValues: outputs,
    probabilities: null,
    classes: null,
    clientIds,
    latencyUs: 100,
    source: PREDICTION_SOURCES.live,
    ...extra,
  };
}
