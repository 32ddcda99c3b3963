// Model queries on PostgreSQL (twins of db/queries/models.ts: same arguments, same results).
import { and, asc, count, eq, gt, inArray, isNull, max } from 'drizzle-orm';
import { AppError } from '../../../lib/errors';
import type { ModelListRow } from '../../queries/models';
import type { ModelRow, Task } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb } from '../client';
import { aliases, models, modelVersions } from '../schema';
import { recordEventPg } from './events';

/** PostgreSQL's unique_violation. */
export function isUniqueViolationPg(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  return code === '23505';
}

export async function insertModelPg(db: PgDb, m: { name: string; task: Task; description: string; labels: string[] | null; actor: string }): Promise<ModelRow> {
  const now = Date.now();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(models)
        .values({ name: m.name, task: m.task, description: m.description, labels: m.labels, createdAt: now, updatedAt: now })
        .returning();
      await recordEventPg(tx, { modelId: row.id, kind: 'model_created', actor: m.actor, detail: { name: m.name, task: m.task }, ts: now });
      return row;
    });
  } catch (err) {
    if (isUniqueViolationPg(err))
      throw new AppError('conflict', `name: a model named "${m.name}" already exists`, [{ path: 'name', message: 'already exists' }]);
    throw err;
  }
}

export async function findModelByIdPg(db: PgDb, id: number): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

export async function findModelPg(db: PgDb, name: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(eq(models.name, name));
  return row;
}

export async function listModelsPg(db: PgDb, q: { limit: number; afterName?: string }): Promise<ModelListRow[]> {
  const rows = await db
    .select()
    .from(models)
    .where(q.afterName ? gt(models.name, q.afterName) : undefined)
    .orderBy(asc(models.name))
    .limit(q.limit);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const stats = await db
    .select({ modelId: modelVersions.modelId, latest: max(modelVersions.number), n: count() })
    .from(modelVersions)
    .where(and(inArray(modelVersions.modelId, ids), isNull(modelVersions.archivedAt)))
    .groupBy(modelVersions.modelId);
  const aliasRows = await db
    .select({ modelId: aliases.modelId, name: aliases.name, number: modelVersions.number })
    .from(aliases)
    .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
    .where(inArray(aliases.modelId, ids));
  return rows.map((model) => {
    const s = stats.find((x) => x.modelId === model.id);
    const a: Record<string, number> = {};
    for (const r of aliasRows) if (r.modelId === model.id) a[r.name] = r.number;
    return { model, aliases: a, latestVersion: s?.latest ?? null, versionCount: s?.n ?? 0 };
  });
}

export async function updateModelPg(db: PgDb, u: { model: ModelRow; description?: string; labels?: string[] | null; actor: string }): Promise<ModelRow> {
  const now = Date.now();
  return db.transaction(async (tx) => {
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
    const [row] = await tx.update(models).set(changes).where(eq(models.id, u.model.id)).returning();
    await recordEventPg(tx, { modelId: u.model.id, kind: 'model_updated', actor: u.actor, detail, ts: now });
    await bumpFleetChanges(tx, db);
    return row;
  });
}

export async function deleteModelPg(db: PgDb, model: ModelRow, actor: string): Promise<{ onnx: string[]; json: string[] }> {
  return db.transaction(async (tx) => {
    // The row lock orders this against an alias being set on the model meanwhile.
    await tx.select({ id: models.id }).from(models).where(eq(models.id, model.id)).for('update');
    const held = await tx.select({ name: aliases.name }).from(aliases).where(eq(aliases.modelId, model.id));
    if (held.length > 0) throw new AppError('conflict', `model "${model.name}" has aliases (${held.map((h) => h.name).join(', ')}); delete them first`);
    const rows = await tx
      .select({ sha: modelVersions.sha256, reference: modelVersions.reference })
      .from(modelVersions)
      .where(eq(modelVersions.modelId, model.id));
    await tx.delete(models).where(eq(models.id, model.id));
    await recordEventPg(tx, { modelId: null, kind: 'model_deleted', actor, detail: { model: model.name, versions: rows.length } });
    await bumpFleetChanges(tx, db);
    return {
      onnx: [...new Set(rows.map((r) => r.sha))],
      json: [...new Set(rows.flatMap((r) => (r.reference ? [r.reference.sha256] : [])))],
    };
  });
}

export async function setNeedsRetrainingPg(db: PgDb, modelId: number, flag: boolean, reason: string | null): Promise<void> {
  await db.update(models).set({ needsRetraining: flag, retrainingReason: reason }).where(eq(models.id, modelId));
}

export async function updatePolicyPg(db: PgDb, u: { model: ModelRow; policy: Record<string, unknown> | null; actor: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(models).set({ policy: u.policy, updatedAt: Date.now() }).where(eq(models.id, u.model.id));
    await recordEventPg(tx, { modelId: u.model.id, kind: 'policy_updated', actor: u.actor, detail: { policy: u.policy } });
    await bumpFleetChanges(tx, db);
  });
}
