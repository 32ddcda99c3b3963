// Ground truth arriving later: POST /api/v1/outcomes. Each outcome joins its prediction by
// prediction id, or by model + the client's id; re-sending replaces it (counted as updated) and the
// labeled rollups move from the old actual to the new one in the same transaction.
import { prepareOutcomeStatements, type LoggedRequestForOutcome, type VersionForOutcome } from '../../../db/queries/outcomes';
import { parsePredictionId } from '../../../db/queries/predictions';
import type { LabeledStats } from '../../../db/schema';
import { getHandle } from '../../../db/client';
import { env } from '../../env';
import { findModelById } from '../../../db/queries/models';
import { db } from '../db';
import { refreshRetrainingFlag } from './monitoring';
import { hourOf } from './buckets';
import { addOutcome, emptyLabeledStats, mergeLabeledStats, type Actual, type Prediction } from './labeled-stats';

export const MAX_OUTCOMES = 10_000;
const CHUNK = 2_000;

export interface OutcomesResult {
  accepted: number;
  updated: number;
  unknown: { index: number; prediction_id?: string; model?: string; id?: string }[];
  invalid: { index: number; message: string }[];
}

type Statements = ReturnType<typeof prepareOutcomeStatements>;
interface VersionCtx { task: string; knownLabels: string[] | null; positive: string | null; modelName: string }

function versionCtx(st: Statements, cache: Map<number, VersionCtx>, versionId: number): VersionCtx {
  let ctx = cache.get(versionId);
  if (!ctx) {
    const v = st.version(versionId) as VersionForOutcome;
    const labels = v.labels ? (JSON.parse(v.labels) as string[]) : null;
    const classLabels = (JSON.parse(v.signature) as { class_labels?: string[] }).class_labels ?? null;
    const output = v.output ? (JSON.parse(v.output) as { positive_class?: string }) : null;
    ctx = { task: v.task, knownLabels: labels ?? classLabels, positive: output?.positive_class ?? null, modelName: v.model_name };
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

function parseActual(raw: unknown, ctx: VersionCtx, knownFromRequest: string[] | null): Actual | string {
  if (ctx.task === 'regression') {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return 'actual: a regression outcome must be a finite number';
    return { kind: 'value', value: raw };
  }
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return 'actual: must be a class label';
  const label = String(raw);
  const known = ctx.knownLabels ?? knownFromRequest;
  if (known && !known.includes(label)) return `actual: "${label.slice(0, 100)}" is not one of the model's labels (${known.slice(0, 20).join(', ')})`;
  return { kind: 'class', label };
}

function parseTs(raw: unknown, now: number): number | string {
  if (raw === undefined || raw === null) return now;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms) || ms < 0) return 'ts: must be an ISO-8601 time or epoch milliseconds';
  return ms;
}

/** Records the outcomes; `models` lists the models they touched (not part of the answer). */
export function recordOutcomes(items: unknown[]): OutcomesResult & { models: Set<number> } {
  const { sqlite } = getHandle(env.DATA_DIR);
  const st = prepareOutcomeStatements(sqlite);
  const result: OutcomesResult & { models: Set<number> } = { accepted: 0, updated: 0, unknown: [], invalid: [], models: new Set() };
  const versions = new Map<number, VersionCtx>();
  const now = Date.now();
  for (let start = 0; start < items.length; start += CHUNK) {
    sqlite.transaction(() => {
      const requests = new Map<string, LoggedRequestForOutcome | null>();
      const deltas = new Map<string, { versionId: number; hour: number; labeled: number; stats: LabeledStats }>();
      for (let index = start; index < Math.min(items.length, start + CHUNK); index++) {
        const item = items[index];
        if (typeof item !== 'object' || item === null || Array.isArray(item)) { result.invalid.push({ index, message: 'must be an object {prediction_id | model + id, actual, ts?}' }); continue; }
        const o = item as Record<string, unknown>;
        const extra = Object.keys(o).filter((k) => !['prediction_id', 'model', 'id', 'actual', 'ts'].includes(k));
        if (extra.length) { result.invalid.push({ index, message: `${extra[0]}: is not an outcome field (prediction_id, model, id, actual, ts)` }); continue; }
        if (o.actual === undefined || o.actual === null) { result.invalid.push({ index, message: 'actual: required' }); continue; }
        const ts = parseTs(o.ts, now);
        if (typeof ts === 'string') { result.invalid.push({ index, message: ts }); continue; }

        let predictionId: string | undefined;
        if (o.prediction_id !== undefined) {
          if (typeof o.prediction_id !== 'string') { result.invalid.push({ index, message: 'prediction_id: must be a string' }); continue; }
          predictionId = o.prediction_id;
        } else if (o.model !== undefined && o.id !== undefined) {
          if (typeof o.model !== 'string' || (typeof o.id !== 'string' && typeof o.id !== 'number')) { result.invalid.push({ index, message: 'model and id: must be strings' }); continue; }
          const modelId = st.modelId(o.model);
          predictionId = modelId === undefined ? undefined : st.predictionIdForKey(modelId, String(o.id));
          if (!predictionId) { result.unknown.push({ index, model: o.model, id: String(o.id) }); continue; }
        } else {
          result.invalid.push({ index, message: 'give prediction_id, or model and id (the id sent with the prediction)' });
          continue;
        }
        const ref = parsePredictionId(predictionId);
        let req = ref ? requests.get(ref.requestId) : null;
        if (ref && req === undefined) { req = st.request(ref.requestId) ?? null; requests.set(ref.requestId, req); }
        if (!ref || !req || ref.row >= req.rows) { result.unknown.push({ index, prediction_id: predictionId }); continue; }
        const ctx = versionCtx(st, versions, req.version_id);
        if (typeof o.model === 'string' && o.model !== ctx.modelName) { result.unknown.push({ index, prediction_id: predictionId, model: o.model }); continue; }
        const actual = parseActual(o.actual, ctx, req.classes ? (JSON.parse(req.classes) as string[]) : null);
        if (typeof actual === 'string') { result.invalid.push({ index, message: actual }); continue; }

        const prediction = predictionOf(req, ref.row, ctx);
        const hour = hourOf(req.ts);
        const key = `${req.version_id}:${hour}`;
        let delta = deltas.get(key);
        if (!delta) { delta = { versionId: req.version_id, hour, labeled: 0, stats: emptyLabeledStats() }; deltas.set(key, delta); }
        const previous = st.outcome(predictionId);
        if (previous) {
          const old: Actual = previous.actual_label !== null ? { kind: 'class', label: previous.actual_label } : { kind: 'value', value: previous.actual_value! };
          addOutcome(delta.stats, prediction, old, previous.ts - req.ts, -1);
          result.updated++;
        } else {
          delta.labeled++;
          result.accepted++;
        }
        addOutcome(delta.stats, prediction, actual, ts - req.ts, 1);
        result.models.add(req.model_id);
        st.upsertOutcome({
          predictionId, modelId: req.model_id, versionId: req.version_id, predTs: req.ts,
          label: actual.kind === 'class' ? actual.label : null, value: actual.kind === 'value' ? actual.value : null, ts,
        });
      }
      for (const d of deltas.values()) {
        const old = st.labeledHour(d.versionId, d.hour);
        const stats = old ? mergeLabeledStats(old.stats, d.stats) : d.stats;
        st.saveLabeledHour(d.versionId, d.hour, (old?.labeled ?? 0) + d.labeled, stats);
      }
    }).immediate();
  }
  return result;
}

/** The API's use case: record, then refresh the retraining flag of every model touched. */
export async function ingestOutcomes(items: unknown[]): Promise<OutcomesResult> {
  const { models, ...result } = recordOutcomes(items);
  for (const id of models) {
    const model = await findModelById(db(), id);
    if (model) await refreshRetrainingFlag(model);
  }
  return result;
}
