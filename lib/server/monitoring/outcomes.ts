// Ground truth arriving later: POST /api/v1/outcomes. Each outcome joins its prediction by
// prediction id, or by model + the client's id: then it labels the latest prediction of that id at
// or before the outcome's ts (default: when it is received), so a customer scored every day gets
// each label on the scoring it follows. Re-sending replaces it (counted as updated) and the labeled
// rollups move from the old actual to the new one in the same transaction.
// The rules are written once, as flows (generators) that ask the store for each read and write; a
// flow runs synchronously inside one SQLite transaction here, and asynchronously inside one
// PostgreSQL transaction in ./outcomes-pg.ts (where the store also locks each version it touches,
// so replicas recording outcomes of the same version at once stay exact).
import type { Db } from '../../../db/client';
import { ask as askOf, runFlow, type Flow as GenericFlow } from '../../flow';
import {
  inOutcomeTransaction,
  outcomeStore,
  type LoggedRequestForOutcome,
  type OutcomeStore,
  type PairedRequestForOutcome,
  type StoredOutcome,
  type VersionForOutcome,
} from '../../../db/queries/outcomes';
import { erasedRows, parsePredictionId, predictionId as predictionIdOf } from '../../../db/queries/predictions';
import { PREDICTION_SOURCES } from '../../../db/schema';
import { hourOf } from '../../metrics/buckets';
import { addOutcome, emptyLabeledStats, mergeLabeledStats, type Actual, type LabeledStats, type Prediction } from '../../metrics/labeled-stats';
import { classSpace, resolveClass, type ClassSpace } from '../../class-values';
import { MAX_TIME_MS, REGRESSION_LIMIT } from '../../schemas/outcomes';
import { env } from '../../env';
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

/** The outcome rules as flows over the outcome store (lib/flow.ts). */
export type Flow<T> = GenericFlow<OutcomeStore, T>;
const ask = <R>(op: (st: OutcomeStore) => R) => askOf<OutcomeStore, R>(op);

export interface VersionCtx {
  task: string;
  classes: ClassSpace;
  labels: string[] | null;
  classValues: string[] | null;
  positive: string | null;
  modelName: string;
}

function* versionCtx(cache: Map<number, VersionCtx>, versionId: number): Flow<VersionCtx> {
  let ctx = cache.get(versionId);
  if (!ctx) {
    const v = (yield* ask((st) => st.version(versionId))) as VersionForOutcome;
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
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) return 'ts: must be an ISO-8601 time or epoch milliseconds';
  // Whole milliseconds, as every stored time.
  return Math.floor(ms);
}

type Deltas = Map<string, { versionId: number; hour: number; labeled: number; stats: LabeledStats }>;

/**
 * Records one outcome for row `row` of a logged request (a new one, or a correction that moves the
 * labeled rollup from the old actual to the new); returns whether it replaced an earlier one.
 */
function* applyOutcome(
  deltas: Deltas,
  req: LoggedRequestForOutcome,
  predictionId: string,
  row: number,
  ctx: VersionCtx,
  actual: Actual,
  ts: number,
): Flow<'accepted' | 'updated'> {
  const prediction = predictionOf(req, row, ctx);
  const hour = hourOf(req.ts);
  const key = `${req.version_id}:${hour}`;
  let delta = deltas.get(key);
  if (!delta) {
    delta = { versionId: req.version_id, hour, labeled: 0, stats: emptyLabeledStats() };
    deltas.set(key, delta);
  }
  const previous = yield* ask((st) => st.outcome(predictionId));
  if (previous) {
    const old: Actual = previous.actual_label !== null ? { kind: 'class', label: previous.actual_label } : { kind: 'value', value: previous.actual_value! };
    addOutcome(delta.stats, prediction, old, previous.ts - req.ts, -1);
  } else {
    delta.labeled++;
  }
  addOutcome(delta.stats, prediction, actual, ts - req.ts, 1);
  yield* ask((st) =>
    st.upsertOutcome({
      predictionId,
      modelId: req.model_id,
      versionId: req.version_id,
      predTs: req.ts,
      label: actual.kind === 'class' ? actual.label : null,
      value: actual.kind === 'value' ? actual.value : null,
      ts,
    }),
  );
  return previous ? 'updated' : 'accepted';
}

function* saveDeltas(deltas: Deltas): Flow<void> {
  for (const d of deltas.values()) {
    const old = yield* ask((st) => st.labeledHour(d.versionId, d.hour));
    const stats = old ? mergeLabeledStats(old.stats, d.stats) : d.stats;
    yield* ask((st) => st.saveLabeledHour(d.versionId, d.hour, (old?.labeled ?? 0) + d.labeled, stats));
  }
}

/** Only answered production requests have shadow copies. */
const mayHavePairs = (req: LoggedRequestForOutcome) => req.source === PREDICTION_SOURCES.live && req.alias === 'production';

export type RecordResult = OutcomesResult & { models: Set<number> };

/** Shared by the chunks of one call: the version contexts and the retention policies, each read once. */
export interface FlowContext {
  versions: Map<number, VersionCtx>;
  now: number;
  globalDays: number | null;
  expiry?: Expiry;
}

export function flowContext(now = Date.now(), globalDays = env.RETENTION_DAYS ?? null): FlowContext {
  return { versions: new Map(), now, globalDays };
}

function* expiryOf(ctx: FlowContext): Flow<Expiry> {
  if (!ctx.expiry) {
    const models = yield* ask((st) => st.retentionModels());
    ctx.expiry = new Expiry(() => models, ctx.globalDays, ctx.now);
  }
  return ctx.expiry;
}

/** Items [start, end) per transaction: a chunk commits whole, and its result counts only once it has. */
export const OUTCOME_CHUNK = CHUNK;

/**
 * Records the outcomes items[start, end) — one transaction's worth — and returns what happened to
 * each. An outcome of an answered production row is recorded for its shadow copies too (same row
 * of each request paired with it), in the same transaction, so shadow versions get labeled rollups.
 */
export function* recordChunk(items: unknown[], start: number, end: number, ctx: FlowContext): Flow<RecordResult> {
  const result: RecordResult = { accepted: 0, updated: 0, unknown: [], invalid: [], models: new Set() };
  const expired = (days: number | null) => (days === null ? {} : { reason: 'expired' as const });
  const requests = new Map<string, LoggedRequestForOutcome | null>();
  const pairs = new Map<string, PairedRequestForOutcome[]>();
  let anyPairs: boolean | undefined;
  const deltas: Deltas = new Map();
  for (let index = start; index < end; index++) {
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
    const ts = parseTs(o.ts, ctx.now);
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
      const model = o.model;
      const clientId = String(o.id);
      const modelId = yield* ask((st) => st.modelId(model));
      predictionId = modelId === undefined ? undefined : yield* ask((st) => st.predictionIdForKey(modelId, clientId, ts));
      if (!predictionId) {
        // No prediction of the id at or before ts: pruned, when ts itself is past the model's retention.
        const days = modelId === undefined ? null : (yield* expiryOf(ctx)).at(ts, modelId);
        result.unknown.push({ index, model, id: clientId, ...expired(days) });
        continue;
      }
    } else {
      result.invalid.push({ index, message: 'give prediction_id, or model and id (the id sent with the prediction)' });
      continue;
    }
    const ref = parsePredictionId(predictionId);
    let req = ref ? requests.get(ref.requestId) : null;
    if (ref && req === undefined) {
      const requestId = ref.requestId;
      req = (yield* ask((st) => st.request(requestId))) ?? null;
      requests.set(requestId, req);
    }
    if (!ref || !req || ref.row >= req.rows || erasedRows(req.erased).has(ref.row)) {
      const model = typeof o.model === 'string' ? o.model : null;
      const modelId = model !== null ? ((yield* ask((st) => st.modelId(model))) ?? null) : null;
      const pruned = ref && !req && !(model !== null && modelId === null) ? (yield* expiryOf(ctx)).ofId(predictionId, modelId) : null;
      result.unknown.push({ index, prediction_id: predictionId, ...expired(pruned) });
      continue;
    }
    const vctx = yield* versionCtx(ctx.versions, req.version_id);
    if (typeof o.model === 'string' && o.model !== vctx.modelName) {
      result.unknown.push({ index, prediction_id: predictionId, model: o.model });
      continue;
    }
    const actual = parseActual(o.actual, vctx, req.classes ? (JSON.parse(req.classes) as string[]) : null);
    if (typeof actual === 'string') {
      result.invalid.push({ index, message: actual });
      continue;
    }

    if ((yield* applyOutcome(deltas, req, predictionId, ref.row, vctx, actual, ts)) === 'updated') result.updated++;
    else result.accepted++;
    result.models.add(req.model_id);
    if (mayHavePairs(req) && (anyPairs ??= yield* ask((st) => st.anyPairs()))) {
      const requestId = ref.requestId;
      let copies = pairs.get(requestId);
      if (!copies) {
        copies = yield* ask((st) => st.pairs(requestId));
        pairs.set(requestId, copies);
      }
      for (const copy of copies) {
        if (ref.row >= copy.rows) continue;
        const copyCtx = yield* versionCtx(ctx.versions, copy.version_id);
        yield* applyOutcome(deltas, copy, predictionIdOf(copy.id, ref.row), ref.row, copyCtx, actual, ts);
      }
    }
  }
  yield* saveDeltas(deltas);
  return result;
}

/** Adds a committed chunk's result to the call's. */
export function addResult(into: RecordResult, chunk: RecordResult): void {
  into.accepted += chunk.accepted;
  into.updated += chunk.updated;
  into.unknown.push(...chunk.unknown);
  into.invalid.push(...chunk.invalid);
  for (const m of chunk.models) into.models.add(m);
}

/** Records the outcomes (SQLite); `models` lists the models they touched (not part of the answer). */
export function recordOutcomes(db: Db, items: unknown[]): RecordResult {
  const result: RecordResult = { accepted: 0, updated: 0, unknown: [], invalid: [], models: new Set() };
  const ctx = flowContext();
  for (let start = 0; start < items.length; start += CHUNK) {
    const end = Math.min(items.length, start + CHUNK);
    addResult(
      result,
      inOutcomeTransaction(db, (st) => runFlow(recordChunk(items, start, end, ctx), st)),
    );
  }
  return result;
}

/** The outcomes of a shadow copy's answered request that the copy has none of yet, recorded for it. */
export function* copyFlow(shadowRequestId: string, outcomes: (StoredOutcome & { prediction_id: string })[]): Flow<number> {
  const copy = yield* ask((st) => st.request(shadowRequestId));
  if (!copy) return 0;
  const vctx = yield* versionCtx(new Map(), copy.version_id);
  const deltas: Deltas = new Map();
  let recorded = 0;
  for (const o of outcomes) {
    const ref = parsePredictionId(o.prediction_id);
    if (!ref || ref.row >= copy.rows) continue;
    const id = predictionIdOf(shadowRequestId, ref.row);
    if (yield* ask((st) => st.outcome(id))) continue;
    const actual: Actual = o.actual_label !== null ? { kind: 'class', label: o.actual_label } : { kind: 'value', value: o.actual_value! };
    yield* applyOutcome(deltas, copy, id, ref.row, vctx, actual, o.ts);
    recorded++;
  }
  yield* saveDeltas(deltas);
  return recorded;
}

/** The SQLite side of copyPrimaryOutcomes (./ingest-outcomes.ts). */
export function copyPrimaryOutcomesSqlite(db: Db, shadowRequestId: string, pairId: string): number {
  // Most copies have none: looked up before taking the write lock.
  const outcomes = outcomeStore(db).requestOutcomes(pairId);
  if (outcomes.length === 0) return 0;
  return inOutcomeTransaction(db, (st) => runFlow(copyFlow(shadowRequestId, outcomes), st));
}
