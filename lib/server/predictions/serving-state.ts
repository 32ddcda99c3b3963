// The serving singletons of this process — session cache, log writer, hot-path statements, plans —
// kept on globalThis so Next's module graph and the custom server's fast path share one of each.
import { prepareServingLookups, preparePredictionInsert, type ServingLookups, type ServingRow } from '../../../db/queries/predictions';
import { prepareServingSetQueries, type ServingSetQueries } from '../../../db/queries/serving-set';
import { getHandle } from '../../../db/client';
import type { DecodeOptions } from '../../../inference/codecs';
import { planOutputs, type OutputPlan, type Task } from '../../../inference/outputs';
import { Batcher } from '../../../inference/batcher';
import type { SessionCache } from '../../../inference/session-cache';
import type { ModelSignature, OutputSpec } from '../../../inference/signature';
import { env } from '../../env';
import { LogWriter } from './log-writer';
import { createSessionCache } from './model-cache';

export interface ServingPlan {
  modelId: number;
  modelName: string;
  versionId: number;
  number: number;
  sha256: string;
  task: Task;
  labels: string[] | null;
  output: OutputSpec | null;
  signature: ModelSignature;
  decode: DecodeOptions;
  outputs: OutputPlan | { error: string };
  archived: boolean;
  /** Requests may be merged into one run only when every input's batch dimension is dynamic. */
  batchable: boolean;
}

/** A split alias: its versions' plans and the cumulative shares of their weights. */
export interface SplitRoute { plans: ServingPlan[]; cumulative: Float64Array; model: string; alias: string }

/** A resolved target: the version it names, its split (alias with weights) and production's shadows. */
export interface Resolved { plan: ServingPlan; split: SplitRoute | null; shadows: ServingPlan[] | null }

interface ServingState {
  sessions: SessionCache;
  /** The serving set and the versions behind artifacts (model cache priorities, runtime listing). */
  servingSet: ServingSetQueries;
  log: LogWriter;
  batcher: Batcher;
  lookups: ServingLookups;
  plans: Map<string, ServingPlan>;
  /** Resolved targets ("model\0alias" or "model\0#n"), valid for one registry generation. */
  targets: Map<string, Resolved>;
  targetsStamp: string;
  dataVersion: () => number;
  dataVersionAt: number;
  dataVersionSeen: number;
}

const KEY = Symbol.for('modeldock.serving');
type Holder = { [KEY]?: ServingState };

export function serving(): ServingState {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const { sqlite } = getHandle(env.DATA_DIR);
  const servingSet = prepareServingSetQueries(sqlite);
  const state: ServingState = {
    sessions: createSessionCache(servingSet),
    servingSet,
    log: new LogWriter(preparePredictionInsert(sqlite)),
    batcher: new Batcher(env.BATCH_MAX_ROWS),
    lookups: prepareServingLookups(sqlite),
    plans: new Map(),
    targets: new Map(),
    targetsStamp: '',
    dataVersion: ((stmt) => () => stmt.get() as number)(sqlite.prepare('PRAGMA data_version').pluck()),
    dataVersionAt: 0,
    dataVersionSeen: 0,
  };
  holder[KEY] = state;
  return state;
}

/**
 * The parsed, immutable view of a version for serving, cached under a key made of what an edit can
 * change: the model (labels, task: updated_at), archiving, and the version's feature_names (which
 * decide how named columns map). Edits also bump the registry generation, so resolved targets are
 * looked up again and reach the new key on the very next request.
 */
export function servingPlan(row: ServingRow): ServingPlan {
  const state = serving();
  const key = `${row.version_id}:${row.model_updated_at}:${row.archived_at ?? ''}:${row.feature_names ?? ''}`;
  let plan = state.plans.get(key);
  if (plan) return plan;
  const signature = JSON.parse(row.signature) as ModelSignature;
  const task = row.task as Task;
  plan = {
    modelId: row.model_id,
    modelName: row.model_name,
    versionId: row.version_id,
    number: row.number,
    sha256: row.sha256,
    task,
    labels: row.labels ? (JSON.parse(row.labels) as string[]) : null,
    output: row.output ? (JSON.parse(row.output) as OutputSpec) : null,
    signature,
    decode: {
      inputs: signature.inputs.filter((i) => i.is_tensor),
      featureNames: row.feature_names ? (JSON.parse(row.feature_names) as string[]) : null,
      maxRows: env.MAX_BATCH_ROWS,
    },
    outputs: planOutputs(task, signature.outputs),
    archived: row.archived_at !== null,
    batchable: signature.inputs.filter((i) => i.is_tensor).every((i) => i.shape !== null && typeof i.shape[0] !== 'number'),
  };
  if (state.plans.size > 1000) state.plans.clear();
  state.plans.set(key, plan);
  return plan;
}
