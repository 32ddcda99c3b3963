// Which version answers a request: the alias's (production by default) or an explicit number; for
// an alias with a weighted split, one of its versions by weight.
import { AppError } from '../../errors';
import { runtime } from '../../runtime/runtime';
import { db, noAlias, noModel, noVersion } from '../lookups';
import { lookups, servingPlan, type Resolved, type ServingPlan, type SplitRoute } from './serving-state';
import { cumulativeShares, pickIndex, splitKey, unitHash } from './split-routing';

export type Target = { model: string; alias: string } | { model: string; version: number };

/** The version a target names (an alias's champion when it is split). */
export function resolveTarget(target: Target): ServingPlan {
  return resolveRoute(target).plan;
}

/**
 * Resolved targets are cached until the registry changes, as the database's change signal tells:
 * this process's writes are seen by the very next request, another process's within 50 ms. The
 * split's plans and cumulative weights and the shadows are cached with it, so a model without
 * experiments pays two null checks.
 */
export function resolveRoute(target: Target): Resolved {
  const state = runtime().serving;
  const version = db().changes.current();
  if (version !== state.targetsVersion) {
    state.targets.clear();
    state.targetsVersion = version;
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
  if (plan.archived)
    throw new AppError('conflict', `version: version ${plan.number} of "${plan.modelName}" is archived; restore it to serve it`, [
      { path: 'version', message: 'archived' },
    ]);
  if ('error' in plan.outputs)
    throw new AppError('unprocessable', `version: version ${plan.number} cannot answer a ${plan.task.replace(/_/g, ' ')}: ${plan.outputs.error}`);
  return plan;
}

function lookupTarget(target: Target): Resolved {
  const found = lookups();
  const row = 'alias' in target ? found.byAlias(target.model, target.alias) : found.byNumber(target.model, target.version);
  if (!row) {
    if (!found.model(target.model)) throw noModel(target.model);
    if ('alias' in target) throw noAlias(target.model, target.alias, target.alias === 'production' ? '; promote a version to production first' : '', 'not set');
    throw noVersion(target.model, target.version);
  }
  const plan = servingPlan(row);
  if (!('alias' in target)) return { plan: checkServable(plan), split: null, shadows: null };
  let split: SplitRoute | null = null;
  const weights = found.split(plan.modelId, target.alias);
  if (weights.length > 1) {
    const plans = weights.map((w) => servingPlan(found.byVersionId(w.version_id)!));
    split = { plans, cumulative: cumulativeShares(weights.map((w) => w.weight)), model: target.model, alias: target.alias };
  } else {
    checkServable(plan);
  }
  let shadows: ServingPlan[] | null = null;
  if (target.alias === 'production') {
    const ids = found.shadows(plan.modelId);
    if (ids.length > 0)
      shadows = ids.flatMap((id) => {
        const r = found.byVersionId(id);
        return r ? [servingPlan(r)] : [];
      });
  }
  return { plan, split, shadows };
}
