// Registry use cases for aliases: promote (move), roll back, delete.
import { findAlias, moveAlias, removeAlias } from '../../../db/queries/aliases';
import { listAliasMoves } from '../../../db/queries/events';
import { findVersion } from '../../../db/queries/versions';
import { AppError } from '../../errors';
import { rollbackSource } from '../../rollback';
import type { Actor } from '../auth';
import { db } from '../db';
import { serving } from '../predictions/serving-state';
import { refreshRetrainingFlag } from '../monitoring/monitoring';
import { requireModel } from './models';
import { requireVersion } from './versions';

export interface AliasMove { alias: string; version: number; previous: number | null }

export async function setAlias(name: string, alias: string, number: number, actor: Actor): Promise<AliasMove> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  // Load the new version before the alias moves, so the next request is not the one that waits.
  if (version.archivedAt === null) await serving().sessions.warm(version.sha256);
  const moved = await moveAlias(db(), { modelId: model.id, alias, versionId: version.id, versionNumber: number, actor: actor.name });
  if (alias === 'production') await refreshFlagQuietly(model.name);
  return { alias, version: moved.to, previous: moved.from };
}

export async function deleteAlias(name: string, alias: string, actor: Actor): Promise<void> {
  const model = await requireModel(name);
  const removed = await removeAlias(db(), { modelId: model.id, alias, actor: actor.name });
  if (removed === null) throw new AppError('not_found', `alias: model "${name}" has no alias "${alias}"`, [{ path: 'alias', message: 'not found' }]);
}

/** Moves the alias back to the version it pointed at before its current one (see lib/rollback). */
export async function rollbackAlias(name: string, alias: string, actor: Actor): Promise<AliasMove> {
  const model = await requireModel(name);
  const current = await findAlias(db(), { modelId: model.id, alias });
  if (!current) throw new AppError('not_found', `alias: model "${name}" has no alias "${alias}"`, [{ path: 'alias', message: 'not found' }]);
  const moves = await listAliasMoves(db(), { modelId: model.id, alias, limit: 200 });
  const source = rollbackSource(moves, alias, current.number);
  const target = source === null ? undefined : await findVersion(db(), { modelId: model.id, number: source });
  if (!target || target.archivedAt !== null || target.number === current.number) {
    throw new AppError('conflict', `alias: "${alias}" has no earlier version to roll back to`);
  }
  await serving().sessions.warm(target.sha256);
  const moved = await moveAlias(db(), {
    modelId: model.id, alias, versionId: target.id, versionNumber: target.number, actor: actor.name, reason: 'rollback',
  });
  if (alias === 'production') await refreshFlagQuietly(model.name);
  return { alias, version: moved.to, previous: moved.from };
}

/** A new production version clears (or sets) the overview's flag; the move stands if this fails. */
async function refreshFlagQuietly(name: string): Promise<void> {
  try {
    await refreshRetrainingFlag(await requireModel(name));
  } catch (err) {
    console.error('[modeldock] could not refresh the retraining flag', err);
  }
}
