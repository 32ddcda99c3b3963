// `"dry_run": true` (REST body) or `parameters.dry_run` (V2): the request is answered as usual but
// not logged — no prediction ids, no shadow copies, nothing in monitoring. What the copy-paste
// examples of the version page send, so trying a model does not count as traffic.
import { AppError } from '../../errors';

/** Whether the request asks for a dry run; anything but a boolean is refused naming `path`. */
export function readDryRun(value: unknown, path: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new AppError('invalid_input', `${path}: must be true or false`, [{ path, message: 'must be true or false' }]);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** REST: the body's `dry_run`. */
export const restDryRun = (body: unknown): boolean => (isObject(body) ? readDryRun(body.dry_run, 'dry_run') : false);

/** V2: `parameters.dry_run` (the request's parameters are otherwise free-form). */
export const v2DryRun = (body: unknown): boolean =>
  isObject(body) && isObject(body.parameters) ? readDryRun(body.parameters.dry_run, 'parameters.dry_run') : false;
