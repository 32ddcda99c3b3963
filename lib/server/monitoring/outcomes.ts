// Ground truth arriving later: POST /api/v1/outcomes. Each outcome joins its prediction by
// prediction id, or by model + the client's id: then it labels the latest prediction of that id at
// or before the outcome's ts (default: when it is received), so a customer scored every day gets
// each label on the scoring it follows. Re-sending replaces it (counted as updated) and the labeled
// rollups move from the old actual to the new one in the same transaction.
import { findModelById } from '../../../db/queries/models';
import {
  inOutcomeTransaction,
  outcomeStore,
  type LoggedRequestForOutcome,
  type OutcomeStore,
  type PairedRequestForOutcome,
  type VersionForOutcome,
} from '../../../db/queries/outcomes';
import { erasedRows, parsePredictionId, predictionId as predictionIdOf } from '../../../db/queries/predictions';
import { PREDICTION_SOURCES } from '../../../db/schema';
import { hourOf } from '../../metrics/buckets';
import { addOutcome, emptyLabeledStats, mergeLabeledStats, type Actual, type LabeledStats, type Prediction } from '../../metrics/labeled-stats';
import { classSpace, resolveClass, type ClassSpace } from '../../class-values';
import { runtime } from '../../runtime/runtime';
import { REGRESSION_LIMIT } from '../../schemas/outcomes';
import { env } from '../../env';
import { db } from '../lookups';
import { refreshRetrainingFlag } from './monitoring';
import { Expiry } from './retention';

export const MAX_OUTCOMES = 10_000;
const CHUNK = 2_000;

export interface OutcomesResult {
  accepted: number;
  updated: number;
  /** `reason: "expired"` when the prediction was pruned by retention (absent: no such prediction). */
  unknown: { index: number; prediction_id?: string; model?: string; id?: string; reason?: 'expired' }[];
  invalid: { index: number; message: string }[];
}

type Statements = OutcomeStore;
interface VersionCtx {
  task: string;
  classes: ClassSpace;
  labels: string[] | null;
  classValues: string[] | null;
  positive: string | null;
  modelName: string;
}

function versionCtx(st: Statements, cache: Map<number, VersionCtx>, versionId: number): VersionCtx {
  let ctx = cache.get(versionId);
  if (!ctx) {
    const v = st.version(versionId) as VersionForOutcome;
    const labels = v.labels ? (JSON.parse(v.labels) as string[]) : null;
    const classLabels = (JSON.parse(v.signature) as { class_labels?: string[] }).class_labels ?? null;
    const output = v.output ? (JSON.parse(v.output) as { positive_class?: string }) : null;
    const positive = output?.positive_class ?? null;
    ctx = {
      task: v.task,
      labels,
      classValues: classLabels,
      positive,
      modelName: v.model_name,
      classes: classSpace({ task: v.task, labels, classValues: classLabels, positiveClass: positive }),
    };
    cache.set(versionId, ctx);
  }
  return ctx;
}

function predictionOf(req: LoggedRequestForOutcome, row: number, ctx: VersionCtx): Prediction {
  if (!req.labels) return { kind: 'value', value: req.output_values!.readDoubleLE(row * 8) };
  const label = (JSON.parse(req.labels) as string[])[row];
  let probabilities: Record<string, number> | null = null;
  let positive: string | null = null;
  if (req.probabilities && req.classes) {
    const classes = JSON.parse(req.classes) as string[];
    probabilities = {};
    for (let j = 0; j < classes.length; j++) probabilities[classes[j]] = req.probabilities.readFloatLE((row * classes.length + j) * 4);
    if (ctx.task === 'binary_classification' && classes.length === 2) positive = ctx.positive ?? classes[1];
  }
  return { kind: 'class', label, probabilities, positive };
}

/** The outcome's actual: a finite number (regression), or a class in any form lib/class-values accepts. */
function parseActual(raw: unknown, ctx: VersionCtx, columns: string[] | null): Actual | string {
  if (ctx.task === 'regression') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return 'actual: a regression outcome must be a finite number';
    if (Math.abs(raw) > REGRESSION_LIMIT) return `actual: a regression outcome must be between -${REGRESSION_LIMIT} and ${REGRESSION_LIMIT}`;
    return { kind: 'value', value: raw };
  }
  // Neither labels nor graph classes known: the request's probability columns name the classes.
  const space =
    ctx.classes.classes || !columns
      ? ctx.classes
      : classSpace({ task: ctx.task, labels: ctx.labels, classValues: ctx.classValues, columns, positiveClass: ctx.positive });
  const resolved = resolveClass(raw, space);
  return 'error' in resolved ? `actual: ${resolved.error}` : { kind: 'class', label: resolved.label };
}

function parseTs(raw: unknown, now: number): number | string {
  if (raw === undefined || raw === null) return now;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms) || ms < 0) return 'ts: must be an ISO-8601 time or epoch milliseconds';
  return ms;
}

type Deltas = Map<string, { versionId: number; hour: number; labeled: number; stats: LabeledStats }>;

/**
 * Records one outcome for row `row` of a logged request (a new one, or a correction that moves the
 * labeled rollup from the old actual to the new); returns whether it replaced an earlier one.
 */
function applyOutcome(
  st: Statements,
  deltas: Deltas,
  req: LoggedRequestForOutcome,
  predictionId: string,
  row: number,
  ctx: VersionCtx,
  actual: Actual,
  ts: number,
): 'accepted' | 'updated' {
  const prediction = predictionOf(req, row, ctx);
  const hour = hourOf(req.ts);
  const key = `${req.version_id}:${hour}`;
  let delta = deltas.get(key);
  if (!delta) {
    delta = { versionId: req.version_id, hour, labeled: 0, stats: emptyLabeledStats() };
    deltas.set(key, delta);
  }
  const previous = st.outcome(predictionId);
  if (previous) {
    const old: Actual = previous.actual_label !== null ? { kind: 'class', label: previous.actual_label } : { kind: 'value', value: previous.actual_value! };
    addOutcome(delta.stats, prediction, old, previous.ts - req.ts, -1);
  } else {
    delta.labeled++;
  }
  addOutcome(delta.stats, prediction, actual, ts - req.ts, 1);
  st.upsertOutcome({
    predictionId,
    modelId: req.model_id,
    versionId: req.version_id,
    predTs: req.ts,
    label: actual.kind === 'class' ? actual.label : null,
    value: actual.kind === 'value' ? actual.value : null,
    ts,
  });
  return previous ? 'updated' : 'accepted';
}

function saveDeltas(st: Statements, deltas: Deltas): void {
  for (const d of deltas.values()) {
    const old = st.labeledHour(d.versionId, d.hour);
    const stats = old ? mergeLabeledStats(old.stats, d.stats) : d.stats;
    st.saveLabeledHour(d.versionId, d.hour, (old?.labeled ?? 0) + d.labeled, stats);
  }
}

/** Only answered production requests have shadow copies. */
const mayHavePairs = (req: LoggedRequestForOutcome) => req.source === PREDICTION_SOURCES.live && req.alias === 'production';

/**
 * Records the outcomes; `models` lists the models they touched (not part of the answer). An
 * outcome of an answered production row is recorded for its shadow copies too (same row of each
 * request paired with it), in the same transaction, so shadow versions get labeled rollups.
 */
export function recordOutcomes(items: unknown[]): OutcomesResult & { models: Set<number> } {
  const result: OutcomesResult & { models: Set<number> } = { accepted: 0, updated: 0, unknown: [], invalid: [], models: new Set() };
  const versions = new Map<number, VersionCtx>();
  const now = Date.now();
  const expiry = new Expiry(db(), env.RETENTION_DAYS ?? null, now);
  const expired = (days: number | null) => (days === null ? {} : { reason: 'expired' as const });
  for (let start = 0; start < items.length; start += CHUNK) {
    inOutcomeTransaction(db(), (st) => {
      const requests = new Map<string, LoggedRequestForOutcome | null>();
      const pairs = new Map<string, PairedRequestForOutcome[]>();
      let anyPairs: boolean | undefined;
      const deltas: Deltas = new Map();
      for (let index = start; index < Math.min(items.length, start + CHUNK); index++) {
        const item = items[index];
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
          result.invalid.push({ index, message: 'must be an object {prediction_id | model + id, actual, ts?}' });
          continue;
        }
        const o = item as Record<string, unknown>;
        const extra = Object.keys(o).filter((k) => !['prediction_id', 'model', 'id', 'actual', 'ts'].includes(k));
        if (extra.length) {
          result.invalid.push({ index, message: `${extra[0]}: is not an outcome field (prediction_id, model, id, actual, ts)` });
          continue;
        }
        if (o.actual === undefined || o.actual === null) {
          result.invalid.push({ index, message: 'actual: required' });
          continue;
        }
        const ts = parseTs(o.ts, now);
        if (typeof ts === 'string') {
          result.invalid.push({ index, message: ts });
          continue;
        }

        let predictionId: string | undefined;
        if (o.prediction_id !== undefined) {
          if (typeof o.prediction_id !== 'string') {
            result.invalid.push({ index, message: 'prediction_id: must be a string' });
            continue;
          }
          predictionId = o.prediction_id;
        } else if (o.model !== undefined && o.id !== undefined) {
          if (typeof o.model !== 'string' || (typeof o.id !== 'string' && typeof o.id !== 'number')) {
            result.invalid.push({ index, message: 'model and id: must be strings' });
            continue;
          }
          const modelId = st.modelId(o.model);
          predictionId = modelId === undefined ? undefined : st.predictionIdForKey(modelId, String(o.id), ts);
          if (!predictionId) {
            // No prediction of the id at or before ts: pruned, when ts itself is past the model's retention.
            result.unknown.push({ index, model: o.model, id: String(o.id), ...expired(modelId === undefined ? null : expiry.at(ts, modelId)) });
            continue;
          }
        } else {
          result.invalid.push({ index, message: 'give prediction_id, or model and id (the id sent with the prediction)' });
          continue;
        }
        const ref = parsePredictionId(predictionId);
        let req = ref ? requests.get(ref.requestId) : null;
        if (ref && req === undefined) {
          req = st.request(ref.requestId) ?? null;
          requests.set(ref.requestId, req);
        }
        if (!ref || !req || ref.row >= req.rows || erasedRows(req.erased).has(ref.row)) {
          const modelId = typeof o.model === 'string' ? (st.modelId(o.model) ?? null) : null;
          const pruned = ref && !req && !(typeof o.model === 'string' && modelId === null) ? expiry.ofId(predictionId, modelId) : null;
          result.unknown.push({ index, prediction_id: predictionId, ...expired(pruned) });
          continue;
        }
        const ctx = versionCtx(st, versions, req.version_id);
        if (typeof o.model === 'string' && o.model !== ctx.modelName) {
          result.unknown.push({ index, prediction_id: predictionId, model: o.model });
          continue;
        }
        const actual = parseActual(o.actual, ctx, req.classes ? (JSON.parse(req.classes) as string[]) : null);
        if (typeof actual === 'string') {
          result.invalid.push({ index, message: actual });
          continue;
        }

        if (applyOutcome(st, deltas, req, predictionId, ref.row, ctx, actual, ts) === 'updated') result.updated++;
        else result.accepted++;
        result.models.add(req.model_id);
        if (mayHavePairs(req) && (anyPairs ??= st.anyPairs())) {
          let copies = pairs.get(ref.requestId);
          if (!copies) {
            copies = st.pairs(ref.requestId);
            pairs.set(ref.requestId, copies);
          }
          for (const copy of copies) {
            if (ref.row >= copy.rows) continue;
            applyOutcome(st, deltas, copy, predictionIdOf(copy.id, ref.row), ref.row, versionCtx(st, versions, copy.version_id), actual, ts);
          }
        }
      }
      saveDeltas(st, deltas);
    });
  }
  return result;
}

/**
 * A shadow copy logged after its answered request already had outcomes takes them over (rows
 * that have none yet), so the order in which outcomes and shadow runs finish does not matter.
 * Returns how many it recorded.
 */
export function copyPrimaryOutcomes(shadowRequestId: string, pairId: string): number {
  // Most copies have none: looked up before taking the write lock.
  const outcomes = outcomeStore(db()).requestOutcomes(pairId);
  if (outcomes.length === 0) return 0;
  return inOutcomeTransaction(db(), (st) => {
    const copy = st.request(shadowRequestId);
    if (!copy) return 0;
    const ctx = versionCtx(st, new Map(), copy.version_id);
    const deltas: Deltas = new Map();
    let recorded = 0;
    for (const o of outcomes) {
      const ref = parsePredictionId(o.prediction_id);
      if (!ref || ref.row >= copy.rows) continue;
      const id = predictionIdOf(shadowRequestId, ref.row);
      if (st.outcome(id)) continue;
      const actual: Actual = o.actual_label !== null ? { kind: 'class', label: o.actual_label } : { kind: 'value', value: o.actual_value! };
      applyOutcome(st, deltas, copy, id, ref.row, ctx, actual, o.ts);
      recorded++;
    }
    saveDeltas(st, deltas);
    return recorded;
  });
}

/** The API's use case: record, then refresh the retraining flag of every model touched. */
export async function ingestOutcomes(items: unknown[]): Promise<OutcomesResult> {
  const { models, ...result } = recordOutcomes(items);
  runtime().metrics.modelHealth.countOutcomes({
    accepted: result.accepted,
    updated: result.updated,
    unknown: result.unknown.length,
    invalid: result.invalid.length,
  });
  for (const id of models) {
    const model = await findModelById(db(), id);
    if (model) await refreshRetrainingFlag(model);
  }
  return result;
}
