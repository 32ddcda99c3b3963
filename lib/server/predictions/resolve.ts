// Which version answers a request: the alias's (production by default) or an explicit number.
import { AppError } from '../../errors';
import { servingPlan, serving, type ServingPlan } from './serving-state';

export type Target = { model: string; alias: string } | { model: string; version: number };

export function resolveTarget(target: Target): ServingPlan {
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
