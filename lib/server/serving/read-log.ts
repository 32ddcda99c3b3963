// Reading the prediction log back as one record per predicted row (for the API and monitoring).
import {
  erasedRows,
  findOutcomes,
  findRequests,
  parsePredictionId,
  predictionId,
  type LoggedRequest,
  type StoredOutcomeRow,
} from '../../../db/queries/predictions';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../../db/schema';
import { env } from '../../env';
import { notFound } from '../../errors';
import { isPg } from '../../../db/any-db';
import type { Db } from '../../../db/client';
import { modelPoliciesPg } from '../../../db/pg/queries/verdicts';
import { retentionTargets } from '../../../db/queries/retention';
import { Expiry } from '../monitoring/retention';
import type { LoggedPredictionDto } from '../../schemas/registry';
import { db } from '../lookups';
import { unpackInputRow } from './pack';

const SOURCE_NAMES = Object.fromEntries(Object.entries(PREDICTION_SOURCES).map(([k, v]) => [v, k])) as Record<number, LoggedPredictionDto['source']>;
const ENCODINGS: Record<number, LoggedPredictionDto['input_encoding']> = {
  [INPUT_CODECS.f32]: 'float32',
  [INPUT_CODECS.f64]: 'float64',
  [INPUT_CODECS.json]: 'json',
};

function rowOf(req: LoggedRequest, id: string, r: number, outcome: StoredOutcomeRow | undefined): LoggedPredictionDto {
  let prediction: string | number;
  let probabilities: Record<string, number> | null = null;
  if (req.labels) {
    prediction = (JSON.parse(req.labels) as string[])[r];
    if (req.probabilities && req.classes) {
      const classes = JSON.parse(req.classes) as string[];
      const p = new Float32Array(req.probabilities.buffer.slice(req.probabilities.byteOffset, req.probabilities.byteOffset + req.probabilities.byteLength));
      probabilities = Object.fromEntries(classes.map((c, j) => [c, p[r * classes.length + j]]));
    }
  } else {
    prediction = req.outputValues!.readDoubleLE(r * 8);
  }
  return {
    id,
    model: req.modelName,
    version: req.versionNumber,
    alias: req.alias,
    ts: new Date(req.ts).toISOString(),
    client_id: req.clientIds ? (JSON.parse(req.clientIds) as string[])[r] : null,
    source: SOURCE_NAMES[req.source],
    pair_id: req.pairId ? predictionId(req.pairId, r) : null,
    inputs: unpackInputRow(req.inputCodec, req.inputs, req.rows, r),
    input_encoding: ENCODINGS[req.inputCodec],
    prediction,
    probabilities,
    latency_ms: req.latencyUs / 1000,
    outcome: outcome ? { actual: outcome.actualLabel ?? (outcome.actualValue as number), ts: new Date(outcome.ts).toISOString() } : null,
  };
}

/** The logged predictions with these ids, in the ids' order; unknown ids are left out. */
export async function getPredictions(ids: string[]): Promise<LoggedPredictionDto[]> {
  const parsed = ids.map((id) => ({ id, ref: parsePredictionId(id) }));
  const requests = await findRequests(db(), [...new Set(parsed.flatMap((p) => (p.ref ? [p.ref.requestId] : [])))]);
  const byId = new Map(requests.map((r) => [r.id, r]));
  // Rows erased on request are gone, as if never logged.
  const found = parsed.filter(({ ref }) => {
    const req = ref ? byId.get(ref.requestId) : undefined;
    return req !== undefined && ref!.row < req.rows && !erasedRows(req.erased).has(ref!.row);
  });
  const outcomes = new Map(
    (
      await findOutcomes(
        db(),
        found.map((p) => p.id),
      )
    ).map((o) => [o.predictionId, o]),
  );
  return found.map(({ id, ref }) => rowOf(byId.get(ref!.requestId)!, id, ref!.row, outcomes.get(id)));
}

export async function getPrediction(id: string): Promise<LoggedPredictionDto> {
  const [found] = await getPredictions([id]);
  if (found) return found;
  const database = db();
  const policies = isPg(database) ? await modelPoliciesPg(database) : null;
  const days = parsePredictionId(id) ? new Expiry(() => policies ?? retentionTargets(database as Db).models, env.RETENTION_DAYS ?? null).ofId(id, null) : null;
  throw notFound('id', days === null ? `no prediction "${id}"` : `no prediction "${id}": expired (predictions are kept ${days} days, then pruned)`);
}
