// Registry use cases for aliases: promote (move), split by weight, roll back, delete.
import { findAlias, moveAlias, removeAlias } from '../../../db/queries/aliases';
import { listAliasMoves, latestSplitSet } from '../../../db/queries/events';
import { findSplit, setSplit } from '../../../db/queries/experiments';
import { findVersion } from '../../../db/queries/versions';
import { AppError } from '../../errors';
import { rollbackSource } from '../../rollback';
import type { SplitEntry } from '../../schemas/experiments';
import type { AliasMoveDto, SetAliasInput } from '../../schemas/registry';
import { runtime } from '../../runtime/runtime';
import type { Actor } from '../access/auth';
import { db, noAlias, requireModel, requireVersion } from '../lookups';
import { refreshRetrainingFlag } from '../monitoring/monitoring';
import { guardPromotion } from './promotion-guard';

export type AliasMove = AliasMoveDto;

/** PUT …/aliases/{alias}: `{version}` moves the alias (ending any split); `{versions}` splits it. */
export async function putAlias(name: string, alias: string, body: SetAliasInput, actor: Actor): Promise<AliasMove> {
  if (body.versions && body.versions.length > 1) return splitAlias(name, alias, body.versions, actor, body.force, body.reason);
  return setAlias(name, alias, body.version ?? body.versions![0].version, actor, body.force, body.reason);
}

/** `force` overrides the promotion guard (a production version whose inputs or classes differ); `comment` is the user's reason. */
export async function setAlias(name: string, alias: string, number: number, actor: Actor, force?: boolean, comment?: string): Promise<AliasMove> {
  const model = await requireModel(name);
  const version = await requireVersion(model, number);
  const forced = await guardPromotion(model, alias, [version], force);
  // Load the new version before the alias moves, so the next request is not the one that waits.
  if (version.archivedAt === null) await runtime().sessions.warm(version.sha256);
  const moved = await moveAlias(db(), { modelId: model.id, alias, versionId: version.id, versionNumber: number, actor: actor.name, forced, comment });
  if (alias === 'production') await refreshFlagQuietly(model.name);
  return { alias, version: moved.to, previous: moved.from, split: null };
}

/** Shares the alias among versions by weight; see db/queries/experiments setSplit for the champion. */
export async function splitAlias(name: string, alias: string, entries: SplitEntry[], actor: Actor, force?: boolean, comment?: string): Promise<AliasMove> {
  const model = await requireModel(name);
  const found = (await Promise.all(entries.map((e) => findVersion(db(), { modelId: model.id, number: e.version })))).filter((v) => v !== undefined);
  const forced = await guardPromotion(model, alias, found, force);
  // Every version of the split is loaded before traffic reaches it (unknown or archived ones are
  // refused by setSplit, with the path of the entry).
  for (const v of found) {
    if (v.archivedAt === null) await runtime().sessions.warm(v.sha256);
  }
  const result = await setSplit(db(), { modelId: model.id, alias, entries, actor: actor.name, forced, comment });
  if (alias === 'production' && result.from !== result.champion) await refreshFlagQuietly(model.name);
  return { alias, version: result.champion, previous: result.from, split: result.versions };
}

export async function deleteAlias(name: string, alias: string, actor: Actor): Promise<void> {
  const model = await requireModel(name);
  const removed = await removeAlias(db(), { modelId: model.id, alias, actor: actor.name });
  if (removed === null) throw noAlias(name, alias);
  // Without production the model has no verdict: clear the stored one (the overview's flag, /metrics).
  if (alias === 'production') await refreshFlagQuietly(model.name);
}

/**
 * Moves the alias back. With a split running, the rollback ends it and returns the alias to the
 * version it pointed at before the split began (else its champion). Without one, to the version
 * it pointed at before its current one (see lib/rollback).
 */
export async function rollbackAlias(name: string, alias: string, actor: Actor, comment?: string): Promise<AliasMove> {
  const model = await requireModel(name);
  const current = await findAlias(db(), { modelId: model.id, alias });
  if (!current) throw noAlias(name, alias);
  let target;
  if ((await findSplit(db(), { modelId: model.id, alias })).length > 0) {
    const before = await latestSplitSet(db(), { modelId: model.id, alias });
    const candidate = typeof before?.detail.from === 'number' ? await findVersion(db(), { modelId: model.id, number: before.detail.from }) : undefined;
    target = candidate && candidate.archivedAt === null ? candidate : await findVersion(db(), { modelId: model.id, number: current.number });
  } else {
    const moves = await listAliasMoves(db(), { modelId: model.id, alias, limit: 200 });
    const source = rollbackSource(moves, alias, current.number);
    target = source === null ? undefined : await findVersion(db(), { modelId: model.id, number: source });
    if (!target || target.archivedAt !== null || target.number === current.number) {
      throw new AppError('conflict', `alias: "${alias}" has no earlier version to roll back to`);
    }
  }
  await runtime().sessions.warm(target!.sha256);
  const moved = await moveAlias(db(), {
    modelId: model.id,
    alias,
    versionId: target!.id,
    versionNumber: target!.number,
    actor: actor.name,
    reason: 'rollback',
    comment,
  });
  if (alias === 'production') await refreshFlagQuietly(model.name);
  return { alias, version: moved.to, previous: moved.from, split: null };
}

/** A new production version clears (or sets) the overview's flag; the move stands if this fails. */
async function refreshFlagQuietly(name: string): Promise<void> {
  try {
    await refreshRetrainingFlag(await requireModel(name));
  } catch (err) {
    console.error('[modeldock] could not refresh the retraining flag', err);
  }
}
