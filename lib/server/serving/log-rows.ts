// What the prediction browser and the export share: which versions a query reads, each version's
// input columns and class names, and a logged request expanded into rows (inputs by column,
// prediction, probabilities, client id, outcome).
import { findAlias } from '../../../db/queries/aliases';
import { pageStatements as pageReads, type PagedOutcome, type PagedRequest, type PageStatements } from '../../../db/queries/prediction-pages';
import { erasedRows, parsePredictionId, predictionId } from '../../../db/queries/predictions';
import { listVersions } from '../../../db/queries/versions';
import { PREDICTION_SOURCES, type ModelRow } from '../../../db/schema';
import { classSpace, indexColumns } from '../../class-values';
import { AppError } from '../../errors';
import { db, requireModel } from '../lookups';
import { inputLayout, shortFloat32, type InputLayout } from './input-columns';

export const SOURCE_NAMES = Object.fromEntries(Object.entries(PREDICTION_SOURCES).map(([k, v]) => [v, k])) as Record<number, 'live' | 'imported' | 'shadow'>;

export interface LogVersion {
  id: number;
  number: number;
  layout: InputLayout;
  /** The class names a row's probabilities may carry (for the export's columns); empty for regression. */
  classes: string[];
}

export interface LogScope {
  model: ModelRow;
  versions: LogVersion[];
}

/** The versions a query reads: one (version=n, or the one alias=a points at) or all of the model's, oldest first. */
export async function logScope(name: string, q: { version?: number; alias?: string }): Promise<LogScope> {
  const model = await requireModel(name);
  let number = q.version;
  if (q.alias !== undefined) {
    const target = await findAlias(db(), { modelId: model.id, alias: q.alias });
    if (!target) throw new AppError('not_found', `alias: model "${name}" has no alias "${q.alias}"`, [{ path: 'alias', message: 'not set' }]);
    number = target.number;
  }
  const all = await listVersions(db(), { modelId: model.id, includeArchived: true });
  const rows = number === undefined ? all : all.filter((v) => v.number === number);
  if (number !== undefined && rows.length === 0)
    throw new AppError('not_found', `version: model "${name}" has no version ${number}`, [{ path: 'version', message: 'not found' }]);
  const versions = rows
    .sort((a, b) => a.number - b.number)
    .map((v) => {
      let classes: string[] = [];
      if (model.task !== 'regression') {
        const scores = v.signature.outputs.find((o) => o.is_tensor && o.dtype.startsWith('float') && (o.shape?.length ?? 0) >= 1);
        classes =
          classSpace({ task: model.task, labels: model.labels, classValues: v.signature.class_labels ?? null, columns: indexColumns(scores) }).classes ?? [];
      }
      return { id: v.id, number: v.number, layout: inputLayout(v.signature, v.featureNames, v.reference?.columns ?? null), classes };
    });
  return { model, versions };
}

/** The page reads of this process's connection. */
export function pageStatements(): PageStatements {
  return pageReads(db());
}

export interface LogRow {
  id: string;
  ts: number;
  version: number;
  source: 'live' | 'imported' | 'shadow';
  alias: string | null;
  clientId: string | null;
  /** One value per column of the version's layout. */
  inputs: unknown[];
  prediction: string | number;
  probabilities: Record<string, number> | null;
  outcome: { actual: string | number; ts: number } | null;
}

/** Outcomes by the request their prediction belongs to. */
export function groupByRequest(outcomes: PagedOutcome[]): Map<string, PagedOutcome[]> {
  const out = new Map<string, PagedOutcome[]>();
  for (const o of outcomes) {
    const requestId = o.prediction_id.slice(0, 26);
    const list = out.get(requestId);
    if (list) list.push(o);
    else out.set(requestId, [o]);
  }
  return out;
}

/** The distinct requests a page of outcomes belongs to, but `expanded` (the request already read). */
export function requestIdsOf(outcomes: PagedOutcome[], expanded: string | undefined): string[] {
  const ids = new Set<string>();
  for (const o of outcomes) {
    const ref = parsePredictionId(o.prediction_id);
    if (ref && ref.requestId !== expanded) ids.add(ref.requestId);
  }
  return [...ids];
}

/** A request's rows in row order (indexed by row) with their outcomes; a row erased on request is left out (undefined). */
export function expandRequest(req: PagedRequest, version: LogVersion, outcomes: PagedOutcome[]): (LogRow | undefined)[] {
  const inputs = version.layout.rows(req.input_codec, req.inputs, req.rows);
  const labels = req.labels ? (JSON.parse(req.labels) as string[]) : null;
  const classes = req.classes ? (JSON.parse(req.classes) as string[]) : null;
  const clientIds = req.client_ids ? (JSON.parse(req.client_ids) as string[]) : null;
  const byId = new Map(outcomes.map((o) => [o.prediction_id, o]));
  const erased = erasedRows(req.erased);
  const out = new Array<LogRow | undefined>(req.rows);
  for (let r = 0; r < req.rows; r++) {
    if (erased.has(r)) continue;
    const id = predictionId(req.id, r);
    let probabilities: Record<string, number> | null = null;
    if (classes && req.probabilities) {
      probabilities = {};
      for (let j = 0; j < classes.length; j++) probabilities[classes[j]] = shortFloat32(req.probabilities.readFloatLE((r * classes.length + j) * 4));
    }
    const o = byId.get(id);
    out[r] = {
      id,
      ts: req.ts,
      version: version.number,
      source: SOURCE_NAMES[req.source],
      alias: req.alias,
      clientId: clientIds?.[r] ?? null,
      inputs: inputs[r],
      prediction: labels ? labels[r] : req.output_values!.readDoubleLE(r * 8),
      probabilities,
      outcome: o ? { actual: o.actual_label ?? (o.actual_value as number), ts: o.ts } : null,
    };
  }
  return out;
}
