// Alias queries: named pointers to versions; every move is an event (from → to).
import { and, eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import { findAliasPg, listAliasesPg, moveAliasPg, removeAliasPg } from '../pg/queries/aliases';
import { aliases, modelVersions } from '../schema';
import { recordEvent } from './events';
import { dropShadowIn, endSplitIn } from './experiments';
import { aliasMovedDetail } from './registry-rules';

export interface AliasTarget {
  name: string;
  versionId: number;
  number: number;
}

export async function listAliases(db: AnyDb, modelId: number): Promise<AliasTarget[]> {
  if (isPg(db)) return listAliasesPg(db, modelId);
  return db
    .select({ name: aliases.name, versionId: aliases.versionId, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(eq(aliases.modelId, modelId))
    .all();
}

export async function findAlias(db: AnyDb, q: { modelId: number; alias: string }): Promise<AliasTarget | undefined> {
  if (isPg(db)) return findAliasPg(db, q);
  return db
    .select({ name: aliases.name, versionId: aliases.versionId, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(and(eq(aliases.modelId, q.modelId), eq(aliases.name, q.alias)))
    .get();
}

export interface AliasMove {
  modelId: number;
  alias: string;
  versionId: number;
  versionNumber: number;
  actor: string;
  reason?: string;
  forced?: string[] | null;
  comment?: string;
}

/** Points the alias at one version, ending any split of it; returns the number it pointed at before (null if new). */
export async function moveAlias(db: AnyDb, m: AliasMove): Promise<{ from: number | null; to: number }> {
  if (isPg(db)) return moveAliasPg(db, m);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const current = tx
          .select({ number: modelVersions.number })
          .from(aliases)
          .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
          .where(and(eq(aliases.modelId, m.modelId), eq(aliases.name, m.alias)))
          .get();
        const target = tx.select({ archivedAt: modelVersions.archivedAt }).from(modelVersions).where(eq(modelVersions.id, m.versionId)).get();
        if (!target) throw new AppError('not_found', `version: ${m.versionNumber} does not exist`);
        if (target.archivedAt !== null)
          throw new AppError('conflict', `version: ${m.versionNumber} is archived and cannot receive an alias`, [{ path: 'version', message: 'is archived' }]);
        const from = current?.number ?? null;
        endSplitIn(tx, { modelId: m.modelId, alias: m.alias, from, to: m.versionNumber, actor: m.actor, reason: m.reason, ts: now });
        if (from === m.versionNumber) return { from, to: m.versionNumber };
        tx.insert(aliases)
          .values({ modelId: m.modelId, name: m.alias, versionId: m.versionId, updatedAt: now, updatedBy: m.actor })
          .onConflictDoUpdate({ target: [aliases.modelId, aliases.name], set: { versionId: m.versionId, updatedAt: now, updatedBy: m.actor } })
          .run();
        recordEvent(tx, { modelId: m.modelId, kind: 'alias_moved', actor: m.actor, detail: aliasMovedDetail(m, from), ts: now });
        if (m.alias === 'production') dropShadowIn(tx, { modelId: m.modelId, versionId: m.versionId, actor: m.actor, ts: now });
        return { from, to: m.versionNumber };
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

/** Removes the alias; returns the version it pointed at, or null when there was none. */
export async function removeAlias(db: AnyDb, r: { modelId: number; alias: string; actor: string }): Promise<number | null> {
  if (isPg(db)) return removeAliasPg(db, r);
  try {
    return db.transaction(
      (tx) => {
        const current = tx
          .select({ number: modelVersions.number })
          .from(aliases)
          .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
          .where(and(eq(aliases.modelId, r.modelId), eq(aliases.name, r.alias)))
          .get();
        if (!current) return null;
        endSplitIn(tx, { modelId: r.modelId, alias: r.alias, from: current.number, to: null, actor: r.actor, reason: 'alias deleted', ts: Date.now() });
        tx.delete(aliases)
          .where(and(eq(aliases.modelId, r.modelId), eq(aliases.name, r.alias)))
          .run();
        recordEvent(tx, { modelId: r.modelId, kind: 'alias_deleted', actor: r.actor, detail: { alias: r.alias, from: current.number } });
        return current.number;
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}
