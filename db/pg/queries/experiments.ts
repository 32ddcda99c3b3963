// Experiment queries on PostgreSQL (twins of db/queries/experiments.ts: same arguments, same results),
// with the helpers the alias and version twins call inside their own transactions.
// SQLite runs every registry write under one database-wide write lock (IMMEDIATE); here each write
// first locks its model's row (lockModelPg), so the reads it decides on (where the alias points, the
// split, the shadows, whether a version is archived) cannot change under it before it commits.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../../lib/errors';
import type { NewShadows, NewSplit, SplitEntry, SplitResult } from '../../queries/experiments';
import { championIndex, experimentHold, splitSetDetail } from '../../queries/registry-rules';
import type { VersionRow } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb, PgTx } from '../client';
import { aliases, aliasWeights, models, modelVersions, shadows } from '../schema';
import { recordEventPg } from './events';

type Tx = PgTx | PgDb;

/**
 * Locks the model's row until the transaction ends: every registry write of a model (alias moves,
 * splits, shadows, version edits and uploads, deletion) takes it first, so they run one at a time per
 * model. NO KEY UPDATE, the lock an UPDATE of the row takes, does not block the foreign-key checks
 * (KEY SHARE) of prediction log inserts naming the model.
 */
export async function lockModelPg(tx: PgTx, modelId: number): Promise<void> {
  await tx.select({ id: models.id }).from(models).where(eq(models.id, modelId)).for('no key update');
}

/**
 * A split entry's place in the split as it was given. SQLite keeps that order as rowid order;
 * PostgreSQL has no rowid (and a heap's physical order stops being insertion order once space is
 * reused), so the order is read from the alias's latest split_set event, which setSplitPg writes in
 * the transaction that writes the weights and which lists the entries as given.
 */
export const givenPosition = sql`(
  SELECT o.ord FROM jsonb_array_elements((
    SELECT e.detail->'versions' FROM events e
    WHERE e.model_id = ${aliasWeights.modelId} AND e.kind = 'split_set' AND e.detail->>'alias' = ${aliasWeights.name}
    ORDER BY e.id DESC LIMIT 1
  )) WITH ORDINALITY AS o(entry, ord)
  WHERE (o.entry->>'version')::int = ${modelVersions.number}
)`;

/** The alias's split in the order it was given. */
export async function readSplitPg(tx: Tx, modelId: number, alias: string): Promise<SplitEntry[]> {
  return tx
    .select({ version: modelVersions.number, weight: aliasWeights.weight })
    .from(aliasWeights)
    .innerJoin(modelVersions, eq(aliasWeights.versionId, modelVersions.id))
    .where(and(eq(aliasWeights.modelId, modelId), eq(aliasWeights.name, alias)))
    .orderBy(givenPosition, asc(modelVersions.number));
}

export async function findSplitPg(db: PgDb, q: { modelId: number; alias: string }): Promise<SplitEntry[]> {
  return readSplitPg(db, q.modelId, q.alias);
}

export async function listSplitsPg(db: PgDb, modelIds: number[]): Promise<Map<number, Record<string, SplitEntry[]>>> {
  const out = new Map<number, Record<string, SplitEntry[]>>();
  if (modelIds.length === 0) return out;
  const rows = await db
    .select({ modelId: aliasWeights.modelId, alias: aliasWeights.name, version: modelVersions.number, weight: aliasWeights.weight })
    .from(aliasWeights)
    .innerJoin(modelVersions, eq(aliasWeights.versionId, modelVersions.id))
    .where(inArray(aliasWeights.modelId, modelIds))
    .orderBy(aliasWeights.modelId, aliasWeights.name, givenPosition, asc(modelVersions.number));
  for (const r of rows) {
    const splits = out.get(r.modelId) ?? {};
    (splits[r.alias] ??= []).push({ version: r.version, weight: r.weight });
    out.set(r.modelId, splits);
  }
  return out;
}

export async function listShadowsPg(db: PgDb, modelIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (modelIds.length === 0) return out;
  const rows = await db
    .select({ modelId: shadows.modelId, number: modelVersions.number })
    .from(shadows)
    .innerJoin(modelVersions, eq(shadows.versionId, modelVersions.id))
    .where(inArray(shadows.modelId, modelIds))
    .orderBy(asc(modelVersions.number));
  for (const r of rows) out.set(r.modelId, [...(out.get(r.modelId) ?? []), r.number]);
  return out;
}

/** Ends the alias's split, if it has one, recording split_ended; call inside the transaction that moves or removes the alias. */
export async function endSplitInPg(
  tx: PgTx,
  s: { modelId: number; alias: string; from: number | null; to: number | null; actor: string; reason?: string; ts: number },
): Promise<boolean> {
  const split = await readSplitPg(tx, s.modelId, s.alias);
  if (split.length === 0) return false;
  await tx.delete(aliasWeights).where(and(eq(aliasWeights.modelId, s.modelId), eq(aliasWeights.name, s.alias)));
  const detail: Record<string, unknown> = { alias: s.alias, versions: split, from: s.from, to: s.to };
  if (s.reason) detail.reason = s.reason;
  await recordEventPg(tx, { modelId: s.modelId, kind: 'split_ended', actor: s.actor, detail, ts: s.ts });
  return true;
}

/** A version now serving production is no longer shadowed (it would shadow itself). */
export async function dropShadowInPg(tx: PgTx, s: { modelId: number; versionId: number; actor: string; ts: number }): Promise<void> {
  const held = await tx.select({ versionId: shadows.versionId }).from(shadows).where(eq(shadows.modelId, s.modelId));
  if (!held.some((h) => h.versionId === s.versionId)) return;
  const before = await shadowNumbersPg(tx, s.modelId);
  await tx.delete(shadows).where(and(eq(shadows.modelId, s.modelId), eq(shadows.versionId, s.versionId)));
  const after = await shadowNumbersPg(tx, s.modelId);
  await recordEventPg(tx, {
    modelId: s.modelId,
    kind: after.length ? 'shadow_set' : 'shadow_ended',
    actor: s.actor,
    detail: { versions: after, from: before, reason: 'promoted to production' },
    ts: s.ts,
  });
}

async function shadowNumbersPg(tx: Tx, modelId: number): Promise<number[]> {
  const rows = await tx
    .select({ number: modelVersions.number })
    .from(shadows)
    .innerJoin(modelVersions, eq(shadows.versionId, modelVersions.id))
    .where(eq(shadows.modelId, modelId))
    .orderBy(asc(modelVersions.number));
  return rows.map((r) => r.number);
}

/** The versions named by a body list, checked: each exists and is not archived (errors name `versions[i]…`). */
async function requireListedPg(tx: PgTx, modelId: number, numbers: number[], path: (i: number) => string, what: string): Promise<VersionRow[]> {
  const rows = numbers.length
    ? await tx
        .select()
        .from(modelVersions)
        .where(and(eq(modelVersions.modelId, modelId), inArray(modelVersions.number, numbers)))
    : [];
  return numbers.map((n, i) => {
    const v = rows.find((r) => r.number === n);
    if (!v) throw notFound(path(i), `version ${n} does not exist`);
    if (v.archivedAt !== null)
      throw new AppError('conflict', `${path(i)}: version ${n} is archived and cannot ${what}`, [{ path: path(i), message: 'is archived' }]);
    return v;
  });
}

export async function setSplitPg(db: PgDb, s: NewSplit): Promise<SplitResult> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    await lockModelPg(tx, s.modelId);
    const versions = await requireListedPg(
      tx,
      s.modelId,
      s.entries.map((e) => e.version),
      (i) => `versions[${i}].version`,
      'join a split',
    );
    const [current] = await tx
      .select({ versionId: aliases.versionId, number: modelVersions.number })
      .from(aliases)
      .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
      .where(and(eq(aliases.modelId, s.modelId), eq(aliases.name, s.alias)));
    const from = current?.number ?? null;
    const champion = versions[championIndex(s.entries, from)];
    if (from !== champion.number) {
      await tx
        .insert(aliases)
        .values({ modelId: s.modelId, name: s.alias, versionId: champion.id, updatedAt: now, updatedBy: s.actor })
        .onConflictDoUpdate({ target: [aliases.modelId, aliases.name], set: { versionId: champion.id, updatedAt: now, updatedBy: s.actor } });
      await recordEventPg(tx, {
        modelId: s.modelId,
        kind: 'alias_moved',
        actor: s.actor,
        detail: { alias: s.alias, from, to: champion.number, reason: 'split' },
        ts: now,
      });
    } else {
      await tx
        .update(aliases)
        .set({ updatedAt: now, updatedBy: s.actor })
        .where(and(eq(aliases.modelId, s.modelId), eq(aliases.name, s.alias)));
    }
    const previous = await readSplitPg(tx, s.modelId, s.alias);
    await tx.delete(aliasWeights).where(and(eq(aliasWeights.modelId, s.modelId), eq(aliasWeights.name, s.alias)));
    await tx.insert(aliasWeights).values(versions.map((v, i) => ({ modelId: s.modelId, name: s.alias, versionId: v.id, weight: s.entries[i].weight })));
    const entries = s.entries.map((e) => ({ version: e.version, weight: e.weight }));
    // Also what readSplitPg orders the new weights by (givenPosition).
    await recordEventPg(tx, {
      modelId: s.modelId,
      kind: 'split_set',
      actor: s.actor,
      detail: splitSetDetail(s, entries, from, champion.number, previous),
      ts: now,
    });
    if (s.alias === 'production') await dropShadowInPg(tx, { modelId: s.modelId, versionId: champion.id, actor: s.actor, ts: now });
    await bumpFleetChanges(tx, db);
    return { champion: champion.number, from, versions: entries };
  });
}

export async function setShadowsPg(db: PgDb, s: NewShadows): Promise<{ versions: number[]; from: number[] }> {
  const now = Date.now();
  return db.transaction(async (tx) => {
    await lockModelPg(tx, s.modelId);
    const versions = await requireListedPg(tx, s.modelId, s.numbers, (i) => `versions[${i}]`, 'be a shadow');
    s.check(versions);
    const from = await shadowNumbersPg(tx, s.modelId);
    const next = [...s.numbers].sort((a, b) => a - b);
    if (from.length === next.length && from.every((n, i) => n === next[i])) return { versions: next, from };
    await tx.delete(shadows).where(eq(shadows.modelId, s.modelId));
    if (versions.length) await tx.insert(shadows).values(versions.map((v) => ({ modelId: s.modelId, versionId: v.id, createdAt: now, createdBy: s.actor })));
    await recordEventPg(tx, {
      modelId: s.modelId,
      kind: next.length ? 'shadow_set' : 'shadow_ended',
      actor: s.actor,
      detail: next.length ? { versions: next, from } : { from },
      ts: now,
    });
    await bumpFleetChanges(tx, db);
    return { versions: next, from };
  });
}

/** Why a version cannot be archived now (a split or a shadow holds it), or null. */
export async function experimentHoldInPg(tx: PgTx, versionId: number): Promise<string | null> {
  const split = await tx.select({ alias: aliasWeights.name }).from(aliasWeights).where(eq(aliasWeights.versionId, versionId));
  const [shadow] = await tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.versionId, versionId)).limit(1);
  return experimentHold(
    split.map((r) => r.alias),
    shadow !== undefined,
  );
}
