// The serving view of the registry: a version's plan (parsed once, cached on the runtime under
// what an edit can change), the lookups serving makes on a cache miss, and loading the production
// versions before the first request.
import { isPg, type AnyDb } from '../../../db/any-db';
import type { Db } from '../../../db/client';
import type { PgDb } from '../../../db/pg/client';
import { servingLookupsPg, type PgServingLookups } from '../../../db/pg/queries/serving';
import { servingLookups, type ServingLookups, type ServingRow } from '../../../db/queries/predictions';
import { planOutputs, type OutputPlan } from '../../../inference/outputs';
import type { ModelSignature, OutputSpec } from '../../../inference/signature';
import type { Task } from '../../../inference/tasks';
import { warmRuntime } from '../../../inference/warm-runtime';
import { env } from '../../env';
import { runtime } from '../../runtime/runtime';
import type { Resolved, ServingPlan, SplitRoute } from '../../runtime/serving-cache';
import { db } from '../lookups';

export type { OutputPlan, Resolved, ServingPlan, SplitRoute };

/** SQLite's serving look-ups (synchronous, prepared once). */
export function lookups(): ServingLookups {
  return servingLookups(db() as Db);
}

/** PostgreSQL's (named statements on the pool). */
export function lookupsPg(database: PgDb): PgServingLookups {
  return servingLookupsPg(database);
}

/** The versions production serves (their artifacts' hashes), on either database. */
export async function productionShas(): Promise<string[]> {
  const database: AnyDb = db();
  return isPg(database) ? lookupsPg(database).productionShas() : lookups().productionShas();
}

/** The version numbers a model serves (not archived). */
export async function versionNumbers(modelId: number): Promise<number[]> {
  const database: AnyDb = db();
  return isPg(database) ? lookupsPg(database).versionNumbers(modelId) : lookups().versionNumbers(modelId);
}

/** Loads every production version's session before the first request. */
export async function warmProduction(): Promise<void> {
  await warmRuntime();
  const { sessions } = runtime();
  for (const sha of await productionShas()) {
    await sessions.warm(sha).catch((err: unknown) => console.error(`[modeldock] could not load ${sha}`, err));
  }
}

/**
 * The parsed, immutable view of a version for serving, cached under a key made of what an edit can
 * change: the model (labels, task: updated_at), archiving, and the version's feature_names (which
 * decide how named columns map). Edits also bump the database's change signal, so resolved targets are
 * looked up again and reach the new key on the very next request.
 */
export function servingPlan(row: ServingRow): ServingPlan {
  const state = runtime().serving;
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
