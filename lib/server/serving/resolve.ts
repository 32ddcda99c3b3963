// Which version answers a request: the alias's (production by default) or an explicit number; for
// an alias with a weighted split, one of its versions by weight.
import { isPg, type AnyDb } from '../../../db/any-db';
import type { ServingLookups } from '../../../db/queries/predictions';
import { AppError } from '../../errors';
import { ask as askOf, runFlow, runFlowAsync, type Flow } from '../../flow';
import { runtime } from '../../runtime/runtime';
import { db, noAlias, noModel, noVersion } from '../lookups';
import { lookups, lookupsPg, servingPlan, type Resolved, type ServingPlan, type SplitRoute } from './serving-state';
import { cumulativeShares, pickIndex, splitKey, unitHash } from './split-routing';

export type Target = { model: string; alias: string } | { model: string; version: number };

/** The version a target names (an alias's champion when it is split). */
export async function resolveTarget(target: Target): Promise<ServingPlan> {
  return (await resolveRoute(target)).plan;
}

/**
 * Resolved targets are cached until the registry changes, as the database's change signal tells:
 * this process's writes are seen by the very next request, another process's within 50 ms. The
 * split's plans and cumulative weights and the shadows are cached with it, so a model without
 * experiments pays two null checks.
 */
export function resolveRoute(target: Target): Resolved | Promise<Resolved> {
  const state = runtime().serving;
  const database: AnyDb = db();
  const version = database.changes.current();
  if (version !== state.targetsVersion) {
    state.targets.clear();
    state.targetsVersion = version;
  }
  const key = 'alias' in target ? `${target.model}\0${target.alias}` : `${target.model}\0#${target.version}`;
  const cached = state.targets.get(key);
  if (cached) return cached;
  const remember = (resolved: Resolved) => {
    // Only if the registry did not change while an asynchronous look-up ran.
    if (state.targetsVersion !== version) return resolved;
    if (state.targets.size > 10_000) state.targets.clear();
    state.targets.set(key, resolved);
    return resolved;
  };
  // SQLite answers at once (a hit costs no promise); PostgreSQL's look-ups are awaited on a miss.
  if (isPg(database)) return runFlowAsync(lookupTarget(target), lookupsPg(database)).then(remember);
  return remember(runFlow(lookupTarget(target), lookups()));
}

/**
 * The version that serves this request: the target's own, or for a split one of its versions,
 * by the hash of the client id when there is one (sticky), at random otherwise.
 */
export function routePlan(resolved: Resolved, clientId: string | null): ServingPlan {
  const split = resolved.split;
  if (split === null) return resolved.plan;
  const u = clientId === null ? Math.random() : unitHash(splitKey(split.model, split.alias, clientId));
  return checkServable(split.plans[pickIndex(split.cumulative, u)]);
}

function checkServable(plan: ServingPlan): ServingPlan {
  if (plan.archived)
    throw new AppError('conflict', `version: version ${plan.number} of "${plan.modelName}" is archived; restore it to serve it`, [
      { path: 'version', message: 'archived' },
    ]);
  if ('error' in plan.outputs)
    throw new AppError('unprocessable', `version: version ${plan.number} cannot answer a ${plan.task.replace(/_/g, ' ')}: ${plan.outputs.error}`);
  return plan;
}

const ask = <R>(op: (l: ServingLookups) => R) => askOf<ServingLookups, R>(op);

/** The look-ups of a target not cached, as a flow over the serving look-ups (lib/flow.ts). */
function* lookupTarget(target: Target): Flow<ServingLookups, Resolved> {
  const row = yield* ask((l) => ('alias' in target ? l.byAlias(target.model, target.alias) : l.byNumber(target.model, target.version)));
  if (!row) {
    if (!(yield* ask((l) => l.model(target.model)))) throw noModel(target.model);
    if ('alias' in target) throw noAlias(target.model, target.alias, target.alias === 'production' ? '; promote a version to production first' : '', 'not set');
    throw noVersion(target.model, target.version);
  }
  const plan = servingPlan(row);
  if (!('alias' in target)) return { plan: checkServable(plan), split: null, shadows: null };
  let split: SplitRoute | null = null;
  const weights = yield* ask((l) => l.split(plan.modelId, target.alias));
  if (weights.length > 1) {
    const plans: ServingPlan[] = [];
    for (const w of weights) plans.push(servingPlan((yield* ask((l) => l.byVersionId(w.version_id)))!));
    split = { plans, cumulative: cumulativeShares(weights.map((w) => w.weight)), model: target.model, alias: target.alias };
  } else {
    checkServable(plan);
  }
  let shadows: ServingPlan[] | null = null;
  if (target.alias === 'production') {
    const ids = yield* ask((l) => l.shadows(plan.modelId));
    if (ids.length > 0) {
      shadows = [];
      for (const id of ids) {
        const r = yield* ask((l) => l.byVersionId(id));
        if (r) shadows.push(servingPlan(r));
      }
    }
  }
  return { plan, split, shadows };
}
