// Shadow versions of a model: GET/PUT/DELETE /api/v1/models/{name}/shadow. A shadow scores a copy
// of production traffic (see shadow-queue.ts), so it must take production's inputs as they are.
import { findAlias } from '../../../db/queries/aliases';
import { listShadows, setShadows } from '../../../db/queries/experiments';
import { findVersion } from '../../../db/queries/versions';
import type { VersionRow } from '../../../db/schema';
import type { TensorSpec } from '../../../inference/signature';
import { AppError } from '../../errors';
import type { ShadowDto } from '../../schemas/experiments';
import { runtime } from '../../runtime/runtime';
import type { Actor } from '../access/auth';
import { db, requireModel } from '../lookups';
import { shadowCounters } from '../serving/shadow-queue';

export async function getShadow(name: string): Promise<ShadowDto> {
  const model = await requireModel(name);
  const versions = (await listShadows(db(), [model.id])).get(model.id) ?? [];
  const c = shadowCounters(model.id);
  return { versions, queued: c.queued, dropped: c.dropped, pending: c.pending, logged: c.logged, failed: c.failed, last_error: c.lastError };
}

/** Why a shadow cannot take the production version's inputs as decoded for it, or null. */
export function inputMismatch(production: VersionRow, shadow: VersionRow): string | null {
  const tensors = (v: VersionRow) => v.signature.inputs.filter((i) => i.is_tensor);
  const a = tensors(production);
  const b = tensors(shadow);
  const names = (xs: TensorSpec[]) => xs.map((x) => x.name).join(', ');
  if (a.length !== b.length || a.some((x, i) => x.name !== b[i].name)) return `takes inputs (${names(b)}), production takes (${names(a)})`;
  for (let i = 0; i < a.length; i++) {
    if (a[i].dtype !== b[i].dtype) return `input "${a[i].name}" is ${b[i].dtype}, production's is ${a[i].dtype}`;
    const sa = a[i].shape;
    const sb = b[i].shape;
    const same =
      sa === null || sb === null ? sa === sb : sa.length === sb.length && sa.every((d, k) => (typeof d === 'number' ? d === sb[k] : typeof sb[k] !== 'number'));
    if (!same) return `input "${a[i].name}" has shape ${JSON.stringify(sb)}, production's is ${JSON.stringify(sa)}`;
  }
  const fa = JSON.stringify(production.featureNames ?? null);
  const fb = JSON.stringify(shadow.featureNames ?? null);
  if (fa !== fb) return `names its features ${fb}, production ${fa}`;
  return null;
}

/** Replaces the shadow versions (an empty list ends shadowing). */
export async function putShadow(name: string, numbers: number[], actor: Actor): Promise<ShadowDto> {
  const model = await requireModel(name);
  const production = await findAlias(db(), { modelId: model.id, alias: 'production' });
  if (numbers.length > 0 && !production) {
    throw new AppError('unprocessable', `versions: model "${name}" has no production alias to shadow; promote a version first`, [
      { path: 'versions', message: 'no production alias' },
    ]);
  }
  const champion = production ? await findVersion(db(), { modelId: model.id, number: production.number }) : undefined;
  await setShadows(db(), {
    modelId: model.id,
    numbers,
    actor: actor.name,
    check: (versions) =>
      versions.forEach((v, i) => {
        const path = `versions[${i}]`;
        if (v.id === champion!.id)
          throw new AppError('unprocessable', `${path}: version ${v.number} is production's version; a shadow scores a copy of its traffic`, [
            { path, message: 'is production' },
          ]);
        const why = inputMismatch(champion!, v);
        if (why) throw new AppError('unprocessable', `${path}: version ${v.number} ${why}; a shadow must take production's inputs`, [{ path, message: why }]);
      }),
  });
  // Loaded now rather than by the first copy; a version that cannot load fails (counted) in the queue.
  for (const n of numbers) {
    const v = await findVersion(db(), { modelId: model.id, number: n });
    if (v)
      await runtime()
        .sessions.warm(v.sha256)
        .catch(() => undefined);
  }
  return getShadow(name);
}

export async function deleteShadow(name: string, actor: Actor): Promise<void> {
  await putShadow(name, [], actor);
}
