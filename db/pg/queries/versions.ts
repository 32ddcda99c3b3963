// Version queries on PostgreSQL (twins of db/queries/versions.ts: same arguments, same results).
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { AppError } from '../../../lib/errors';
import { shadowPairWords } from '../../queries/registry-rules';
import type { NewVersion, VersionEdit } from '../../queries/versions';
import type { VersionRow } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb, PgTx } from '../client';
import { aliases, aliasWeights, models, modelVersions, shadows } from '../schema';
import { recordEventPg } from './events';
import { experimentHoldInPg, lockModelPg } from './experiments';

/** Takes the model's next number (the row update serialises concurrent uploads) and inserts the version with its event, in one transaction. */
export async function insertVersionPg(db: PgDb, v: NewVersion): Promise<VersionRow> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    const [bumped] = await tx
      .update(models)
      .set({ lastVersion: sql`${models.lastVersion} + 1`, updatedAt: now })
      .where(eq(models.id, v.modelId))
      .returning({ number: models.lastVersion });
    if (!bumped) throw new AppError('not_found', 'the model was deleted during the upload');
    const [row] = await tx
      .insert(modelVersions)
      .values({
        modelId: v.modelId,
        number: bumped.number,
        sha256: v.sha256,
        sizeBytes: v.sizeBytes,
        signature: v.signature,
        featureNames: v.featureNames,
        metrics: v.metrics,
        output: v.output,
        reference: v.reference,
        profile: v.profile,
        description: v.description,
        source: v.source,
        createdAt: now,
        createdBy: v.actor,
      })
      .returning();
    await recordEventPg(tx, {
      modelId: v.modelId,
      kind: 'version_uploaded',
      actor: v.actor,
      detail: { version: row.number, sha256: v.sha256, size_bytes: v.sizeBytes, ...(v.featureNamesFrom ? { feature_names_from: v.featureNamesFrom } : {}) },
      ts: now,
    });
    await bumpFleetChanges(tx, db);
    return row;
  });
}

export async function listVersionsPg(db: PgDb, q: { modelId: number; includeArchived: boolean }): Promise<VersionRow[]> {
  return db
    .select()
    .from(modelVersions)
    .where(q.includeArchived ? eq(modelVersions.modelId, q.modelId) : and(eq(modelVersions.modelId, q.modelId), isNull(modelVersions.archivedAt)))
    .orderBy(asc(modelVersions.number));
}

export async function findVersionPg(db: PgDb, q: { modelId: number; number: number }): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, q.modelId), eq(modelVersions.number, q.number)));
  return row;
}

/** Why a version's feature names cannot change now (a shadow pair keeps equal names), or null. */
async function shadowPairHoldPg(tx: PgTx, row: VersionRow): Promise<string | null> {
  const [shadow] = await tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.versionId, row.id)).limit(1);
  if (shadow) return shadowPairWords(row, 'shadow');
  const production = await tx
    .select({ v: aliases.versionId })
    .from(aliases)
    .where(and(eq(aliases.versionId, row.id), eq(aliases.name, 'production')))
    .limit(1);
  const serves =
    production.length > 0 ||
    (
      await tx
        .select({ v: aliasWeights.versionId })
        .from(aliasWeights)
        .where(and(eq(aliasWeights.versionId, row.id), eq(aliasWeights.name, 'production')))
        .limit(1)
    ).length > 0;
  const [shadowed] = await tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.modelId, row.modelId)).limit(1);
  if (serves && shadowed) return shadowPairWords(row, 'production');
  return null;
}

/** Edits a version under its model's lock (lockModelPg): an alias, split or shadow cannot take it while it is archived. */
export async function updateVersionPg(db: PgDb, u: VersionEdit): Promise<VersionRow> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    await lockModelPg(tx, u.version.modelId);
    let row = u.version;
    if (u.featureNames !== undefined) {
      // Read again inside the transaction: the rollup worker may have saved a traffic profile since.
      [row] = await tx.select().from(modelVersions).where(eq(modelVersions.id, row.id));
      const previous = row.featureNames ?? null;
      const next = u.featureNames.names;
      if (JSON.stringify(previous) !== JSON.stringify(next)) {
        const hold = await shadowPairHoldPg(tx, row);
        if (hold) throw new AppError('conflict', `feature_names: ${hold}`, [{ path: 'feature_names', message: hold }]);
        [row] = await tx
          .update(modelVersions)
          .set({ featureNames: next, profile: u.featureNames.relabel(row.profile) })
          .where(eq(modelVersions.id, row.id))
          .returning();
        await recordEventPg(tx, {
          modelId: row.modelId,
          kind: 'version_updated',
          actor: u.actor,
          detail: { version: row.number, feature_names: next, previous_feature_names: previous },
          ts: now,
        });
      }
    }
    if (u.description !== undefined && u.description !== row.description) {
      [row] = await tx.update(modelVersions).set({ description: u.description }).where(eq(modelVersions.id, row.id)).returning();
      await recordEventPg(tx, {
        modelId: row.modelId,
        kind: 'version_updated',
        actor: u.actor,
        detail: { version: row.number, description: u.description },
        ts: now,
      });
    }
    if (u.archived !== undefined && u.archived !== (row.archivedAt !== null)) {
      if (u.archived) {
        const held = await tx.select({ name: aliases.name }).from(aliases).where(eq(aliases.versionId, row.id));
        if (held.length > 0) throw new AppError('conflict', `version ${row.number} is aliased as ${held.map((h) => h.name).join(', ')}; move the alias first`);
        const hold = await experimentHoldInPg(tx, row.id);
        if (hold) throw new AppError('conflict', `version ${row.number} ${hold}`, [{ path: 'archived', message: hold }]);
      }
      [row] = await tx
        .update(modelVersions)
        .set({ archivedAt: u.archived ? now : null })
        .where(eq(modelVersions.id, row.id))
        .returning();
      await recordEventPg(tx, {
        modelId: row.modelId,
        kind: u.archived ? 'version_archived' : 'version_restored',
        actor: u.actor,
        detail: { version: row.number },
        ts: now,
      });
    }
    await bumpFleetChanges(tx, db);
    return row;
  });
}

export async function isArtifactReferencedPg(db: PgDb, sha256: string): Promise<boolean> {
  const [hit] = await db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .where(or(eq(modelVersions.sha256, sha256), sql`${modelVersions.reference}->>'sha256' = ${sha256}`))
    .limit(1);
  return hit !== undefined;
}
