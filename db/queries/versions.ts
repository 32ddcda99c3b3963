// Version queries: numbered inserts (never reused), reads, edits (description, feature names),
// archive/restore.
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { ModelSignature, OutputSpec, ReferenceInfo } from '../../inference/signature';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import type { Db } from '../client';
import { findVersionPg, insertVersionPg, isArtifactReferencedPg, listVersionsPg, updateVersionPg } from '../pg/queries/versions';
import { aliases, aliasWeights, modelVersions, models, shadows, type VersionRow } from '../schema';
import { recordEvent } from './events';
import { experimentHoldIn } from './experiments';
import { shadowPairWords } from './registry-rules';

export interface NewVersion {
  modelId: number;
  sha256: string;
  sizeBytes: number;
  signature: ModelSignature;
  featureNames: string[] | null;
  /** Where the feature names came from: the upload's metadata, or the reference sample's header. */
  featureNamesFrom?: 'metadata' | 'reference' | null;
  metrics: Record<string, number>;
  output: OutputSpec | null;
  reference: ReferenceInfo | null;
  profile: Record<string, unknown> | null;
  description: string;
  source: string;
  actor: string;
}

/** Takes the model's next number and inserts the version with its event, in one transaction. */
export async function insertVersion(db: AnyDb, v: NewVersion): Promise<VersionRow> {
  if (isPg(db)) return insertVersionPg(db, v);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const bumped = tx
          .update(models)
          .set({ lastVersion: sql`${models.lastVersion} + 1`, updatedAt: now })
          .where(eq(models.id, v.modelId))
          .returning({ number: models.lastVersion })
          .get();
        if (!bumped) throw new AppError('not_found', 'the model was deleted during the upload');
        const row = tx
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
          .returning()
          .get();
        recordEvent(tx, {
          modelId: v.modelId,
          kind: 'version_uploaded',
          actor: v.actor,
          detail: { version: row.number, sha256: v.sha256, size_bytes: v.sizeBytes, ...(v.featureNamesFrom ? { feature_names_from: v.featureNamesFrom } : {}) },
          ts: now,
        });
        return row;
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

export async function listVersions(db: AnyDb, q: { modelId: number; includeArchived: boolean }): Promise<VersionRow[]> {
  if (isPg(db)) return listVersionsPg(db, q);
  return db
    .select()
    .from(modelVersions)
    .where(q.includeArchived ? eq(modelVersions.modelId, q.modelId) : and(eq(modelVersions.modelId, q.modelId), isNull(modelVersions.archivedAt)))
    .orderBy(asc(modelVersions.number))
    .all();
}

export async function findVersion(db: AnyDb, q: { modelId: number; number: number }): Promise<VersionRow | undefined> {
  if (isPg(db)) return findVersionPg(db, q);
  return db
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.modelId, q.modelId), eq(modelVersions.number, q.number)))
    .get();
}

/**
 * Why a version's feature names cannot change now, or null: a shadow version is fed production's
 * decoded inputs (columns in production's order), so the versions of a shadow pair keep equal names.
 */
function shadowPairHold(tx: Pick<Db, 'select'>, row: VersionRow): string | null {
  if (tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.versionId, row.id)).get()) return shadowPairWords(row, 'shadow');
  const serves =
    tx
      .select({ v: aliases.versionId })
      .from(aliases)
      .where(and(eq(aliases.versionId, row.id), eq(aliases.name, 'production')))
      .get() ??
    tx
      .select({ v: aliasWeights.versionId })
      .from(aliasWeights)
      .where(and(eq(aliasWeights.versionId, row.id), eq(aliasWeights.name, 'production')))
      .get();
  const shadowed = tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.modelId, row.modelId)).get();
  if (serves && shadowed) return shadowPairWords(row, 'production');
  return null;
}

export interface VersionEdit {
  version: VersionRow;
  description?: string;
  archived?: boolean;
  actor: string;
  /** New feature names (null: none known); `relabel` renames the drift profile's features to match. */
  featureNames?: { names: string[] | null; relabel: (profile: VersionRow['profile']) => VersionRow['profile'] };
}

export async function updateVersion(db: AnyDb, u: VersionEdit): Promise<VersionRow> {
  if (isPg(db)) return updateVersionPg(db, u);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        let row = u.version;
        if (u.featureNames !== undefined) {
          // Read again inside the transaction: the rollup worker may have saved a traffic profile since.
          row = tx.select().from(modelVersions).where(eq(modelVersions.id, row.id)).get()!;
          const previous = row.featureNames ?? null;
          const next = u.featureNames.names;
          if (JSON.stringify(previous) !== JSON.stringify(next)) {
            const hold = shadowPairHold(tx, row);
            if (hold) throw new AppError('conflict', `feature_names: ${hold}`, [{ path: 'feature_names', message: hold }]);
            row = tx
              .update(modelVersions)
              .set({ featureNames: next, profile: u.featureNames.relabel(row.profile) })
              .where(eq(modelVersions.id, row.id))
              .returning()
              .get();
            recordEvent(tx, {
              modelId: row.modelId,
              kind: 'version_updated',
              actor: u.actor,
              detail: { version: row.number, feature_names: next, previous_feature_names: previous },
              ts: now,
            });
          }
        }
        if (u.description !== undefined && u.description !== row.description) {
          row = tx.update(modelVersions).set({ description: u.description }).where(eq(modelVersions.id, row.id)).returning().get();
          recordEvent(tx, {
            modelId: row.modelId,
            kind: 'version_updated',
            actor: u.actor,
            detail: { version: row.number, description: u.description },
            ts: now,
          });
        }
        if (u.archived !== undefined && u.archived !== (row.archivedAt !== null)) {
          if (u.archived) {
            const held = tx.select({ name: aliases.name }).from(aliases).where(eq(aliases.versionId, row.id)).all();
            if (held.length > 0) {
              throw new AppError('conflict', `version ${row.number} is aliased as ${held.map((h) => h.name).join(', ')}; move the alias first`);
            }
            const hold = experimentHoldIn(tx, row.id);
            if (hold) throw new AppError('conflict', `version ${row.number} ${hold}`, [{ path: 'archived', message: hold }]);
          }
          row = tx
            .update(modelVersions)
            .set({ archivedAt: u.archived ? now : null })
            .where(eq(modelVersions.id, row.id))
            .returning()
            .get();
          recordEvent(tx, {
            modelId: row.modelId,
            kind: u.archived ? 'version_archived' : 'version_restored',
            actor: u.actor,
            detail: { version: row.number },
            ts: now,
          });
        }
        return row;
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

/** Whether any version still uses this artifact (as its model or as its reference sample). */
export async function isArtifactReferenced(db: AnyDb, sha256: string): Promise<boolean> {
  if (isPg(db)) return isArtifactReferencedPg(db, sha256);
  const hit = db
    .select({ id: modelVersions.id })
    .from(modelVersions)
    .where(or(eq(modelVersions.sha256, sha256), sql`json_extract(${modelVersions.reference}, '$.sha256') = ${sha256}`))
    .limit(1)
    .get();
  return hit !== undefined;
}
