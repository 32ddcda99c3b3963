// POST /api/v1/models/{name}/versions/{n}/predictions/import: predictions made elsewhere (batch
// jobs, edge devices) or, without `prediction`, scored now by the version and logged at the
// record's time (backtesting); actuals, when given, are recorded as outcomes.
import type { Tensor } from 'onnxruntime-node';
import { predictionId, type PredictionRecord } from '../../../db/queries/predictions';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../../db/schema';
import { decodeRequest } from '../../../inference/codecs';
import { InputError } from '../../../inference/errors';
import type { OutputPlan, RowAnswer } from '../../../inference/outputs';
import { classSpace, indexColumns, resolveClass } from '../../class-values';
import { AppError } from '../../errors';
import { runtime } from '../../runtime/runtime';
import { REGRESSION_LIMIT, type ImportBody, type ImportResultDto } from '../../schemas/outcomes';
import { ingestOutcomes } from '../monitoring/ingest-outcomes';
import { packInputs, packOutputs } from './pack';
import { resolveTarget } from './resolve';
import { inputErrorToApp, score } from './score';

/** Splits one request's packed inputs into one buffer per row. */
function splitRows(feeds: Record<string, Tensor>, rows: number): { codec: number; rows: Buffer[] } {
  const packed = packInputs(feeds, rows);
  if (packed.codec === INPUT_CODECS.json) {
    const records = JSON.parse(packed.data.toString('utf8')) as unknown[];
    return { codec: packed.codec, rows: records.map((r) => Buffer.from(JSON.stringify([r]))) };
  }
  const size = packed.data.length / rows;
  return { codec: packed.codec, rows: Array.from({ length: rows }, (_, r) => Buffer.from(packed.data.subarray(r * size, (r + 1) * size))) };
}

/** The codec's path for the records sent as `instances`: instances[3].age → records[3].inputs.age. */
function recordsPath(path: string): string {
  if (path === 'instances') return 'records';
  return path.replace(/^instances\[(\d+)\]\.?/, (_, i: string) => `records[${i}].inputs.`).replace(/\.(\[|$)/, '$1');
}

/**
 * A client id may recur across records at different times (a customer scored every day: outcomes
 * join the latest prediction at or before their ts), but not twice at the same time, where no rule
 * could tell which of the two rows an outcome labels.
 */
function checkIds(records: ImportBody['records']): void {
  const seen = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.id === undefined) return;
    const ts = typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
    const key = `${ts}\u0000${String(r.id)}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const message = `repeats records[${first}].id ("${String(r.id).slice(0, 100)}") at the same ts; an outcome reported by that id could not tell the two rows apart`;
      throw new AppError('invalid_input', `records[${i}].id: ${message}`, [{ path: `records[${i}].id`, message }]);
    }
    seen.set(key, i);
  });
}

export async function importPredictions(name: string, number: number, body: ImportBody): Promise<ImportResultDto> {
  const plan = await resolveTarget({ model: name, version: number });
  const records = body.records;
  checkIds(records);
  let decoded;
  try {
    decoded = decodeRequest({ instances: records.map((r) => r.inputs) }, { ...plan.decode, maxRows: 10_000 });
  } catch (err) {
    if (err instanceof InputError) throw inputErrorToApp(new InputError(recordsPath(err.path), err.message.slice(err.path.length + 2), err.status));
    throw err;
  }
  // Everything is checked before anything is written: a refused import leaves no row behind.
  // Classes in any form lib/class-values accepts (label, graph class value, binary true/false), stored as the label.
  const scores = plan.signature.outputs.find((o) => o.name === (plan.outputs as OutputPlan).scores);
  const space = classSpace({
    task: plan.task,
    labels: plan.labels,
    classValues: plan.signature.class_labels ?? null,
    columns: indexColumns(scores),
    positiveClass: plan.output?.positive_class ?? null,
  });
  const predicted = new Array<string | number | undefined>(records.length);
  const actuals = new Array<string | number | undefined>(records.length);
  records.forEach((r, i) => {
    const bad = (path: string, message: string) =>
      new AppError('unprocessable', `records[${i}].${path}: ${message}`, [{ path: `records[${i}].${path}`, message }]);
    if (plan.task === 'regression') {
      if (r.prediction !== undefined && typeof r.prediction !== 'number') throw bad('prediction', 'a regression prediction must be a number');
      if (r.actual !== undefined && typeof r.actual !== 'number') throw bad('actual', 'a regression outcome must be a number');
      for (const [field, v] of [
        ['prediction', r.prediction],
        ['actual', r.actual],
      ] as const) {
        if (typeof v === 'number' && Math.abs(v) > REGRESSION_LIMIT) throw bad(field, `must be between -${REGRESSION_LIMIT} and ${REGRESSION_LIMIT}`);
      }
      predicted[i] = r.prediction as number | undefined;
      actuals[i] = r.actual as number | undefined;
      return;
    }
    for (const field of ['prediction', 'actual'] as const) {
      if (r[field] === undefined) continue;
      const resolved = resolveClass(r[field], space);
      if ('error' in resolved) throw bad(field, resolved.error);
      (field === 'prediction' ? predicted : actuals)[i] = resolved.label;
    }
  });
  const answers = new Array<RowAnswer>(records.length);
  const toScore = records.flatMap((_, i) => (predicted[i] === undefined ? [i] : []));
  if (toScore.length > 0) {
    // Backtests usually score every record: reuse the decode above rather than decoding again.
    const scored =
      toScore.length === records.length ? decoded : decodeRequest({ instances: toScore.map((i) => records[i].inputs) }, { ...plan.decode, maxRows: 10_000 });
    const scoredAnswers = (await score(plan, scored.feeds, scored.rows)).answers;
    toScore.forEach((i, k) => {
      answers[i] = scoredAnswers[k];
    });
  }
  predicted.forEach((p, i) => {
    if (p !== undefined) answers[i] = { prediction: p, probabilities: null };
  });

  const rt = runtime();
  const inputs = splitRows(decoded.feeds, records.length);
  const ids: string[] = [];
  const log: PredictionRecord[] = records.map((r, i) => {
    const ts = typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
    const requestId = rt.ids.at(ts);
    ids.push(predictionId(requestId, 0));
    const out = packOutputs([answers[i]]);
    return {
      id: requestId,
      modelId: plan.modelId,
      versionId: plan.versionId,
      alias: null,
      ts,
      rows: 1,
      inputCodec: inputs.codec,
      inputs: inputs.rows[i],
      labels: out.labels,
      outputValues: out.values,
      probabilities: out.probabilities,
      classes: out.classes,
      clientIds: r.id === undefined ? null : [String(r.id)],
      latencyUs: 0,
      source: PREDICTION_SOURCES.imported,
    };
  });
  await rt.log.writeAll(log);
  const withActual = records.flatMap((r, i) => (actuals[i] === undefined ? [] : [{ prediction_id: ids[i], actual: actuals[i], ts: r.ts }]));
  // ingestOutcomes also refreshes the overview's retraining flag.
  const outcomes = withActual.length ? await ingestOutcomes(withActual) : { accepted: 0, updated: 0, invalid: [], unknown: [] };
  if (outcomes.invalid.length > 0) throw new Error(`import: outcomes refused after validation: ${outcomes.invalid[0].message}`);
  return { imported: records.length, prediction_ids: ids, outcomes: { accepted: outcomes.accepted, updated: outcomes.updated } };
}
