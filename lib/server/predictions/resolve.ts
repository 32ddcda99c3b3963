// Which version answers a request: the alias's (production by default) or an explicit number.
import { registryGeneration } from '../../../db/generation';
import { AppError } from '../../errors';
import { servingPlan, serving, type ServingPlan } from './serving-state';

export type Target = { model: string; alias: string } | { model: string; version: number };

/**
 * Resolved targets are cached until the registry changes: in this process (the generation counter
 * every registry write bumps, seen by the very next request) or from another process (SQLite's
 * data_version, checked at most every 50 ms).
 */
export function resolveTarget(target: Target): ServingPlan {
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
  const plan = lookupTarget(target);
  if (state.targets.size > 10_000) state.targets.clear();
  state.targets.set(key, plan);
  return plan;
}

function lookupTarget(target: Target): ServingPlan {
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
  if (plan.archived) throw new AppError('conflict', `version: version ${plan.number} of "${plan.modelName}" is archived; restore it to serve it`, [{ path: 'version', message: 'archived' }]);
  if ('error' in plan.outputs) throw new AppError('unprocessable', `version: version ${plan.number} cannot answer a ${plan.task.replace(/_/g, ' ')}: ${plan.outputs.error}`);
  return plan;
}
