// Reads of the prediction log by id on PostgreSQL (twins of findRequests, findOutcomes and
// countPredictedRows in db/queries/predictions.ts, same results). A request is looked up with its
// logged_at, the time inside its id, so the scan touches only the partitions of those months.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { requestTime } from '../../prediction-ids';
import type { LoggedRequest, StoredOutcomeRow } from '../../queries/predictions';
import type { PgDb } from '../client';
import { models, modelVersions, outcomes, predictionRequests as r } from '../schema';

/** The columns of SQLite's prediction_requests row (PostgreSQL's adds logged_at and xid). */
const ROW = {
  id: r.id,
  modelId: r.modelId,
  versionId: r.versionId,
  alias: r.alias,
  ts: r.ts,
  rows: r.rows,
  inputCodec: r.inputCodec,
  inputs: r.inputs,
  labels: r.labels,
  outputValues: r.outputValues,
  probabilities: r.probabilities,
  classes: r.classes,
  clientIds: r.clientIds,
  latencyUs: r.latencyUs,
  source: r.source,
  pairId: r.pairId,
  erased: r.erased,
};

export async function findRequestsPg(db: PgDb, requestIds: string[]): Promise<LoggedRequest[]> {
  const ids = requestIds.filter((id) => requestTime(id) !== null);
  if (ids.length === 0) return [];
  // Each row is in the partition of its own id's time: those times prune the scan to their months.
  const times = [...new Set(ids.map((id) => requestTime(id)!))];
  const rows = await db
    .select({ r: ROW, modelName: models.name, versionNumber: modelVersions.number })
    .from(r)
    .innerJoin(models, eq(models.id, r.modelId))
    .innerJoin(modelVersions, eq(modelVersions.id, r.versionId))
    .where(and(inArray(r.id, ids), inArray(r.loggedAt, times)));
  return rows.map((x) => ({ ...x.r, modelName: x.modelName, versionNumber: x.versionNumber }));
}

export async function findOutcomesPg(db: PgDb, predictionIds: string[]): Promise<StoredOutcomeRow[]> {
  return db
    .select({ predictionId: outcomes.predictionId, actualLabel: outcomes.actualLabel, actualValue: outcomes.actualValue, ts: outcomes.ts })
    .from(outcomes)
    .where(inArray(outcomes.predictionId, predictionIds));
}

export async function countPredictedRowsPg(db: PgDb): Promise<number> {
  const [row] = await db.select({ n: sql<number>`coalesce(sum(${r.rows}), 0)::bigint` }).from(r);
  return row.n;
}
