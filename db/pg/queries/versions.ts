// Version queries on PostgreSQL (twins of db/queries/versions.ts: same arguments, same results).
import { eq, sql } from 'drizzle-orm';
import { AppError } from '../../../lib/errors';
import type { NewVersion } from '../../queries/versions';
import type { VersionRow } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb } from '../client';
import { models, modelVersions } from '../schema';
import { recordEventPg } from './events';

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
