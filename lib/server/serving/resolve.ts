// Which version answers a request: the alias's (production by default) or an explicit number; for
// an alias with a weighted split, one of its versions by weight.
import { registryGeneration } from '../../../db/generation';
import { AppError } from '../../errors';
import { servingPlan, serving, type Resolved, type ServingPlan, type SplitRoute } from './serving-state';
import { cumulativeShares, pickIndex, splitKey, unitHash } from './split-routing';

export type Target = { model: string; alias: string } | { model: string; version: number };

/** The version a target names (an alias's champion when it is split). */
export function resolveTarget(target: Target): ServingPlan {
  return resolveRoute(target).plan;
}

/**
 * Resolved targets are cached until the registry changes: in this process (the generation counter
 * every registry write bumps, seen by the very next request) or from another process (SQLite's
 * data_version, checked at most every 50 ms). The split's plans and cumulative weights and the
 * shadows are cached with it, so a model without experiments pays two null checks.
 */
export function resolveRoute(target: Target): Resolved {
  const state = serving();
  // Another process's registry writes are noticed within 50 ms (data_version costs a query);
  // this process's own writes bump the generation and are seen by the very next request.
  const now = Date.now();
  if (now - state.dataVersionAt > 50) {
    state.dataVersionAt = now;
    state.dataVersionSeen = state.dataVersion();
  }
  const stamp = `${registryGeneration()}:${state.dataVersionSeen}`;
  if (stamp !== state.targetsStamp) {
    state.targets.clear();
    state.targetsStamp = stamp;
  }
  const key = 'alias' in target ? `${target.model}\0${target.alias}` : `${target.model}\0#${target.version}`;
  const cached = state.targets.get(key);
  if (cached) return cached;
  const resolved = lookupTarget(target);
  if (state.targets.size > 10_000) state.targets.clear();
  state.targets.set(key, resolved);
  return resolved;
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
  if (plan.archived) throw new AppError('conflict', `version: version ${plan.number} of "${plan.modelName}" is archived; restore it to serve it`, [{ path: 'version', message: 'archived' }]);
  if ('error' in plan.outputs) throw new AppError('unprocessable', `version: version ${plan.number} cannot answer a ${plan.task.replace(/_/g, ' ')}: ${plan.outputs.error}`);
  return plan;
}

function lookupTarget(target: Target): Resolved {
  const { lookups } = serving();
  const row = 'alias' in target ? lookups.byAlias(target.model, target.alias) : lookups.byNumber(target.model, target.version);
  if (!row) {
    if (!lookups.model(target.model)) throw new AppError('not_found', `name: no model named "${target.model}"`, [{ path: 'name', message: 'not found' }]);
    if ('alias' in target) {
      const hint = target.alias === 'production' ? '; promote a version to production first' : '';
      throw new AppError('not_found', `alias: model "${target.model}" has no alias "${target.alias}"${hint}`, [{ path: 'alias', message: 'not set' }]);
    }
    throw new AppError('not_found', `version: model "${target.model}" has no version ${target.version}`, [{ path: 'version', message: 'not found' }]);
  }
  const plan = servingPlan(row);
  if (!('alias' in target)) return { plan: checkServable(plan), split: null, shadows: null };
  let split: SplitRoute | null = null;
  const weights = lookups.split(plan.modelId, target.alias);
  if (weights.length > 1) {
    const plans = weights.map((w) => servingPlan(lookups.byVersionId(w.version_id)!));
    split = { plans, cumulative: cumulativeShares(weights.map((w) => w.weight)), model: target.model, alias: target.alias };
  } else {
    checkServable(plan);
  }
  let shadows: ServingPlan[] | null = null;
  if (target.alias === 'production') {
    const ids = lookups.shadows(plan.modelId);
    if (ids.length > 0) shadows = ids.flatMap((id) => { const r = lookups.byVersionId(id); return r ? [servingPlan(r)] : []; });
  }
  return { plan, split, shadows };
}
