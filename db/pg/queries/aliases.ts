// Alias queries on PostgreSQL (twins of db/queries/aliases.ts: same arguments, same results). Moves
// and removals lock the model first (lockModelPg), as SQLite's IMMEDIATE transaction locks the
// database: the `from` an event records is where the alias pointed when it moved.
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../../lib/errors';
import type { AliasMove, AliasTarget } from '../../queries/aliases';
import { aliasMovedDetail } from '../../queries/registry-rules';
import { bumpFleetChanges } from '../changes';
import type { PgDb, PgTx } from '../client';
import { aliases, modelVersions } from '../schema';
import { recordEventPg } from './events';
import { dropShadowInPg, endSplitInPg, lockModelPg } from './experiments';

export async function listAliasesPg(db: PgDb, modelId: number): Promise<AliasTarget[]> {
  return db
    .select({ name: aliases.name, versionId: aliases.versionId, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(eq(aliases.modelId, modelId));
}

export async function findAliasPg(db: PgDb, q: { modelId: number; alias: string }): Promise<AliasTarget | undefined> {
  const [row] = await db
    .select({ name: aliases.name, versionId: aliases.versionId, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(and(eq(aliases.modelId, q.modelId), eq(aliases.name, q.alias)));
  return row;
}

async function currentNumber(tx: PgTx, modelId: number, alias: string): Promise<number | null> {
  const [row] = await tx
    .select({ number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(and(eq(aliases.modelId, modelId), eq(aliases.name, alias)));
  return row?.number ?? null;
}

export async function moveAliasPg(db: PgDb, m: AliasMove): Promise<{ from: number | null; to: number }> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    await lockModelPg(tx, m.modelId);
    const from = await currentNumber(tx, m.modelId, m.alias);
    const [target] = await tx.select({ archivedAt: modelVersions.archivedAt }).from(modelVersions).where(eq(modelVersions.id, m.versionId));
    if (!target) throw new AppError('not_found', `version: ${m.versionNumber} does not exist`);
    if (target.archivedAt !== null)
      throw new AppError('conflict', `version: ${m.versionNumber} is archived and cannot receive an alias`, [{ path: 'version', message: 'is archived' }]);
    await endSplitInPg(tx, { modelId: m.modelId, alias: m.alias, from, to: m.versionNumber, actor: m.actor, reason: m.reason, ts: now });
    if (from !== m.versionNumber) {
      await tx
        .insert(aliases)
        .values({ modelId: m.modelId, name: m.alias, versionId: m.versionId, updatedAt: now, updatedBy: m.actor })
        .onConflictDoUpdate({ target: [aliases.modelId, aliases.name], set: { versionId: m.versionId, updatedAt: now, updatedBy: m.actor } });
      await recordEventPg(tx, { modelId: m.modelId, kind: 'alias_moved', actor: m.actor, detail: aliasMovedDetail(m, from), ts: now });
      if (m.alias === 'production') await dropShadowInPg(tx, { modelId: m.modelId, versionId: m.versionId, actor: m.actor, ts: now });
    }
    // Also when the alias stays: ending its split changed what serves it.
    await bumpFleetChanges(tx, db);
    return { from, to: m.versionNumber };
  });
}

export async function removeAliasPg(db: PgDb, r: { modelId: number; alias: string; actor: string }): Promise<number | null> {
  return db.transaction(async (tx) => {
    await lockModelPg(tx, r.modelId);
    const from = await currentNumber(tx, r.modelId, r.alias);
    if (from === null) return null;
    await endSplitInPg(tx, { modelId: r.modelId, alias: r.alias, from, to: null, actor: r.actor, reason: 'alias deleted', ts: Date.now() });
    await tx.delete(aliases).where(and(eq(aliases.modelId, r.modelId), eq(aliases.name, r.alias)));
    await recordEventPg(tx, { modelId: r.modelId, kind: 'alias_deleted', actor: r.actor, detail: { alias: r.alias, from } });
    await bumpFleetChanges(tx, db);
    return from;
  });
}
