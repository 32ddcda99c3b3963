// Model queries: create, read, list with aliases and latest version, edit, delete.
import { and, asc, count, eq, gt, inArray, isNull, max } from 'drizzle-orm';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import {
  deleteModelPg,
  findModelByIdPg,
  findModelPg,
  insertModelPg,
  listModelsPg,
  setNeedsRetrainingPg,
  updateModelPg,
  updatePolicyPg,
} from '../pg/queries/models';
import { aliases, modelVersions, models, type ModelRow, type Task } from '../schema';
import { recordEvent } from './events';

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && (err as { code: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export async function insertModel(db: AnyDb, m: { name: string; task: Task; description: string; labels: string[] | null; actor: string }): Promise<ModelRow> {
  if (isPg(db)) return insertModelPg(db, m);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const row = tx
          .insert(models)
          .values({ name: m.name, task: m.task, description: m.description, labels: m.labels, createdAt: now, updatedAt: now })
          .returning()
          .get();
        recordEvent(tx, { modelId: row.id, kind: 'model_created', actor: m.actor, detail: { name: m.name, task: m.task }, ts: now });
        return row;
      },
      { behavior: 'immediate' },
    );
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', `name: a model named "${m.name}" already exists`, [{ path: 'name', message: 'already exists' }]);
    throw err;
  }
}

export async function findModelById(db: AnyDb, id: number): Promise<ModelRow | undefined> {
  if (isPg(db)) return findModelByIdPg(db, id);
  return db.select().from(models).where(eq(models.id, id)).get();
}

export async function findModel(db: AnyDb, name: string): Promise<ModelRow | undefined> {
  if (isPg(db)) return findModelPg(db, name);
  return db.select().from(models).where(eq(models.name, name)).get();
}

export interface ModelListRow {
  model: ModelRow;
  aliases: Record<string, number>;
  latestVersion: number | null;
  versionCount: number;
}

/** Models ordered by name, after `afterName` (cursor), with their aliases and live version counts. */
export async function listModels(db: AnyDb, q: { limit: number; afterName?: string }): Promise<ModelListRow[]> {
  if (isPg(db)) return listModelsPg(db, q);
  const rows = db
    .select()
    .from(models)
    .where(q.afterName ? gt(models.name, q.afterName) : undefined)
    .orderBy(asc(models.name))
    .limit(q.limit)
    .all();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const stats = db
    .select({ modelId: modelVersions.modelId, latest: max(modelVersions.number), n: count() })
    .from(modelVersions)
    .where(and(inArray(modelVersions.modelId, ids), isNull(modelVersions.archivedAt)))
    .groupBy(modelVersions.modelId)
    .all();
  const aliasRows = db
    .select({ modelId: aliases.modelId, name: aliases.name, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(inArray(aliases.modelId, ids))
    .all();
  return rows.map((model) => {
    const s = stats.find((x) => x.modelId === model.id);
    const a: Record<string, number> = {};
    for (const r of aliasRows) if (r.modelId === model.id) a[r.name] = r.number;
    return { model, aliases: a, latestVersion: s?.latest ?? null, versionCount: s?.n ?? 0 };
  });
}

export async function updateModel(db: AnyDb, u: { model: ModelRow; description?: string; labels?: string[] | null; actor: string }): Promise<ModelRow> {
  if (isPg(db)) return updateModelPg(db, u);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const changes: Partial<ModelRow> = { updatedAt: now };
        const detail: Record<string, unknown> = {};
        if (u.description !== undefined) {
          changes.description = u.description;
          detail.description = u.description;
        }
        if (u.labels !== undefined) {
          changes.labels = u.labels;
          detail.labels = u.labels;
        }
        const row = tx.update(models).set(changes).where(eq(models.id, u.model.id)).returning().get();
        recordEvent(tx, { modelId: u.model.id, kind: 'model_updated', actor: u.actor, detail, ts: now });
        return row;
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

/** Deletes a model and its versions; refused while any alias points at one of its versions. */
/** Returns the artifact hashes its versions used, for the caller to collect. */
export async function deleteModel(db: AnyDb, model: ModelRow, actor: string): Promise<{ onnx: string[]; json: string[] }> {
  if (isPg(db)) return deleteModelPg(db, model, actor);
  try {
    return db.transaction(
      (tx) => {
        const held = tx.select({ name: aliases.name }).from(aliases).where(eq(aliases.modelId, model.id)).all();
        if (held.length > 0) {
          throw new AppError('conflict', `model "${model.name}" has aliases (${held.map((h) => h.name).join(', ')}); delete them first`);
        }
        const rows = tx
          .select({ sha: modelVersions.sha256, reference: modelVersions.reference })
          .from(modelVersions)
          .where(eq(modelVersions.modelId, model.id))
          .all();
        tx.delete(models).where(eq(models.id, model.id)).run();
        // The model's own events go with it; this one stays, belonging to no model.
        recordEvent(tx, { modelId: null, kind: 'model_deleted', actor, detail: { model: model.name, versions: rows.length } });
        return {
          onnx: [...new Set(rows.map((r) => r.sha))],
          json: [...new Set(rows.flatMap((r) => (r.reference ? [r.reference.sha256] : [])))],
        };
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

export async function setNeedsRetraining(db: AnyDb, modelId: number, flag: boolean, reason: string | null): Promise<void> {
  if (isPg(db)) return setNeedsRetrainingPg(db, modelId, flag, reason);
  db.update(models).set({ needsRetraining: flag, retrainingReason: reason }).where(eq(models.id, modelId)).run();
}

/** Replaces the retraining policy (null: back to the defaults), recorded as an event. */
export async function updatePolicy(db: AnyDb, u: { model: ModelRow; policy: Record<string, unknown> | null; actor: string }): Promise<void> {
  if (isPg(db)) return updatePolicyPg(db, u);
  db.transaction(
    (tx) => {
      tx.update(models).set({ policy: u.policy, updatedAt: Date.now() }).where(eq(models.id, u.model.id)).run();
      recordEvent(tx, { modelId: u.model.id, kind: 'policy_updated', actor: u.actor, detail: { policy: u.policy } });
    },
    { behavior: 'immediate' },
  );
  db.changes.bump();
}
