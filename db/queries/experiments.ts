// Experiment queries: weighted alias splits (canaries) and shadow versions. Every change is an event
// and bumps the change signal, so serving sees it on its next request.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors';
import type { SplitEntry } from '../../lib/schemas/experiments';
import { isPg, type AnyDb } from '../any-db';
import type { Db } from '../client';
import { findSplitPg, listShadowsPg, listSplitsPg, setShadowsPg, setSplitPg } from '../pg/queries/experiments';
import { aliases, aliasWeights, modelVersions, shadows, type VersionRow } from '../schema';
import { recordEvent } from './events';
import { championIndex, experimentHold, splitSetDetail } from './registry-rules';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type { SplitEntry };

/** The alias's split in the order it was given (rowid order: a split is rewritten whole). */
export function readSplit(tx: Pick<Db, 'select'>, modelId: number, alias: string): SplitEntry[] {
  return tx
    .select({ version: modelVersions.number, weight: aliasWeights.weight })
    .from(aliasWeights)
    .innerJoin(modelVersions, eq(aliasWeights.versionId, modelVersions.id))
    .where(and(eq(aliasWeights.modelId, modelId), eq(aliasWeights.name, alias)))
    .orderBy(sql`${aliasWeights}.rowid`)
    .all();
}

/** The alias's split (empty when it has none). */
export async function findSplit(db: AnyDb, q: { modelId: number; alias: string }): Promise<SplitEntry[]> {
  if (isPg(db)) return findSplitPg(db, q);
  return readSplit(db, q.modelId, q.alias);
}

/** Every split of a model (or of several), by alias. */
export async function listSplits(db: AnyDb, modelIds: number[]): Promise<Map<number, Record<string, SplitEntry[]>>> {
  if (isPg(db)) return listSplitsPg(db, modelIds);
  const out = new Map<number, Record<string, SplitEntry[]>>();
  if (modelIds.length === 0) return out;
  const rows = db
    .select({ modelId: aliasWeights.modelId, alias: aliasWeights.name, version: modelVersions.number, weight: aliasWeights.weight })
    .from(aliasWeights)
    .innerJoin(modelVersions, eq(aliasWeights.versionId, modelVersions.id))
    .where(inArray(aliasWeights.modelId, modelIds))
    .orderBy(sql`${aliasWeights}.rowid`)
    .all();
  for (const r of rows) {
    const splits = out.get(r.modelId) ?? {};
    (splits[r.alias] ??= []).push({ version: r.version, weight: r.weight });
    out.set(r.modelId, splits);
  }
  return out;
}

/** Shadow version numbers of a model (or of several), ascending. */
export async function listShadows(db: AnyDb, modelIds: number[]): Promise<Map<number, number[]>> {
  if (isPg(db)) return listShadowsPg(db, modelIds);
  const out = new Map<number, number[]>();
  if (modelIds.length === 0) return out;
  const rows = db
    .select({ modelId: shadows.modelId, number: modelVersions.number })
    .from(shadows)
    .innerJoin(modelVersions, eq(shadows.versionId, modelVersions.id))
    .where(inArray(shadows.modelId, modelIds))
    .orderBy(asc(modelVersions.number))
    .all();
  for (const r of rows) out.set(r.modelId, [...(out.get(r.modelId) ?? []), r.number]);
  return out;
}

/**
 * Ends the alias's split, if it has one, recording split_ended {alias, versions, from, to}; call
 * inside the transaction that moves or removes the alias. Returns whether there was one.
 */
export function endSplitIn(
  tx: Tx,
  s: { modelId: number; alias: string; from: number | null; to: number | null; actor: string; reason?: string; ts: number },
): boolean {
  const split = readSplit(tx, s.modelId, s.alias);
  if (split.length === 0) return false;
  tx.delete(aliasWeights)
    .where(and(eq(aliasWeights.modelId, s.modelId), eq(aliasWeights.name, s.alias)))
    .run();
  const detail: Record<string, unknown> = { alias: s.alias, versions: split, from: s.from, to: s.to };
  if (s.reason) detail.reason = s.reason;
  recordEvent(tx, { modelId: s.modelId, kind: 'split_ended', actor: s.actor, detail, ts: s.ts });
  return true;
}

/** A version now serving production is no longer shadowed (it would shadow itself). */
export function dropShadowIn(tx: Tx, s: { modelId: number; versionId: number; actor: string; ts: number }): void {
  const held = tx.select({ versionId: shadows.versionId }).from(shadows).where(eq(shadows.modelId, s.modelId)).all();
  if (!held.some((h) => h.versionId === s.versionId)) return;
  const before = shadowNumbers(tx, s.modelId);
  tx.delete(shadows)
    .where(and(eq(shadows.modelId, s.modelId), eq(shadows.versionId, s.versionId)))
    .run();
  const after = shadowNumbers(tx, s.modelId);
  recordEvent(tx, {
    modelId: s.modelId,
    kind: after.length ? 'shadow_set' : 'shadow_ended',
    actor: s.actor,
    detail: { versions: after, from: before, reason: 'promoted to production' },
    ts: s.ts,
  });
}

function shadowNumbers(tx: Pick<Db, 'select'>, modelId: number): number[] {
  return tx
    .select({ number: modelVersions.number })
    .from(shadows)
    .innerJoin(modelVersions, eq(shadows.versionId, modelVersions.id))
    .where(eq(shadows.modelId, modelId))
    .orderBy(asc(modelVersions.number))
    .all()
    .map((r) => r.number);
}

/** The versions named by a body list, checked: each exists and is not archived (errors name `versions[i]…`). */
function requireListed(tx: Pick<Db, 'select'>, modelId: number, numbers: number[], path: (i: number) => string, what: string): VersionRow[] {
  const rows = numbers.length
    ? tx
        .select()
        .from(modelVersions)
        .where(and(eq(modelVersions.modelId, modelId), inArray(modelVersions.number, numbers)))
        .all()
    : [];
  return numbers.map((n, i) => {
    const v = rows.find((r) => r.number === n);
    if (!v) throw notFound(path(i), `version ${n} does not exist`);
    if (v.archivedAt !== null)
      throw new AppError('conflict', `${path(i)}: version ${n} is archived and cannot ${what}`, [{ path: path(i), message: 'is archived' }]);
    return v;
  });
}

export interface NewSplit {
  modelId: number;
  alias: string;
  entries: SplitEntry[];
  actor: string;
  forced?: string[] | null;
  comment?: string;
}

export interface SplitResult {
  champion: number;
  from: number | null;
  versions: SplitEntry[];
}

/**
 * Shares the alias among several versions by weight. The alias itself (its champion) stays on the
 * version it pointed at when that one is in the split, else moves to the heaviest (first listed
 * on ties), recorded as an alias move with reason "split". Records split_set {alias, versions,
 * from, champion, previous}.
 */
export async function setSplit(db: AnyDb, s: NewSplit): Promise<SplitResult> {
  if (isPg(db)) return setSplitPg(db, s);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const versions = requireListed(
          tx,
          s.modelId,
          s.entries.map((e) => e.version),
          (i) => `versions[${i}].version`,
          'join a split',
        );
        const current = tx
          .select({ versionId: aliases.versionId, number: modelVersions.number })
          .from(aliases)
          .innerJoin(modelVersions, eq(aliases.versionId, modelVersions.id))
          .where(and(eq(aliases.modelId, s.modelId), eq(aliases.name, s.alias)))
          .get();
        const from = current?.number ?? null;
        const champion = versions[championIndex(s.entries, from)];
        if (from !== champion.number) {
          tx.insert(aliases)
            .values({ modelId: s.modelId, name: s.alias, versionId: champion.id, updatedAt: now, updatedBy: s.actor })
            .onConflictDoUpdate({ target: [aliases.modelId, aliases.name], set: { versionId: champion.id, updatedAt: now, updatedBy: s.actor } })
            .run();
          recordEvent(tx, {
            modelId: s.modelId,
            kind: 'alias_moved',
            actor: s.actor,
            detail: { alias: s.alias, from, to: champion.number, reason: 'split' },
            ts: now,
          });
        } else {
          tx.update(aliases)
            .set({ updatedAt: now, updatedBy: s.actor })
            .where(and(eq(aliases.modelId, s.modelId), eq(aliases.name, s.alias)))
            .run();
        }
        const previous = readSplit(tx, s.modelId, s.alias);
        tx.delete(aliasWeights)
          .where(and(eq(aliasWeights.modelId, s.modelId), eq(aliasWeights.name, s.alias)))
          .run();
        tx.insert(aliasWeights)
          .values(versions.map((v, i) => ({ modelId: s.modelId, name: s.alias, versionId: v.id, weight: s.entries[i].weight })))
          .run();
        const entries = s.entries.map((e) => ({ version: e.version, weight: e.weight }));
        recordEvent(tx, {
          modelId: s.modelId,
          kind: 'split_set',
          actor: s.actor,
          detail: splitSetDetail(s, entries, from, champion.number, previous),
          ts: now,
        });
        if (s.alias === 'production') dropShadowIn(tx, { modelId: s.modelId, versionId: champion.id, actor: s.actor, ts: now });
        return { champion: champion.number, from, versions: entries };
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

export interface NewShadows {
  modelId: number;
  numbers: number[];
  actor: string;
  check: (versions: VersionRow[]) => void;
}

/**
 * Replaces the model's shadow versions (an empty list ends shadowing). `check` runs inside the
 * transaction on the listed versions and throws to refuse. Records shadow_set {versions, from} or
 * shadow_ended {from}; an unchanged set records nothing.
 */
export async function setShadows(db: AnyDb, s: NewShadows): Promise<{ versions: number[]; from: number[] }> {
  if (isPg(db)) return setShadowsPg(db, s);
  const now = Date.now();
  try {
    return db.transaction(
      (tx) => {
        const versions = requireListed(tx, s.modelId, s.numbers, (i) => `versions[${i}]`, 'be a shadow');
        s.check(versions);
        const from = shadowNumbers(tx, s.modelId);
        const next = [...s.numbers].sort((a, b) => a - b);
        if (from.length === next.length && from.every((n, i) => n === next[i])) return { versions: next, from };
        tx.delete(shadows).where(eq(shadows.modelId, s.modelId)).run();
        if (versions.length)
          tx.insert(shadows)
            .values(versions.map((v) => ({ modelId: s.modelId, versionId: v.id, createdAt: now, createdBy: s.actor })))
            .run();
        recordEvent(tx, {
          modelId: s.modelId,
          kind: next.length ? 'shadow_set' : 'shadow_ended',
          actor: s.actor,
          detail: next.length ? { versions: next, from } : { from },
          ts: now,
        });
        return { versions: next, from };
      },
      { behavior: 'immediate' },
    );
  } finally {
    db.changes.bump();
  }
}

/** Why a version cannot be archived now (a split or a shadow holds it), or null. */
export function experimentHoldIn(tx: Pick<Db, 'select'>, versionId: number): string | null {
  const split = tx.select({ alias: aliasWeights.name }).from(aliasWeights).where(eq(aliasWeights.versionId, versionId)).all();
  const shadow = tx.select({ v: shadows.versionId }).from(shadows).where(eq(shadows.versionId, versionId)).get();
  return experimentHold(
    split.map((s) => s.alias),
    shadow !== undefined,
  );
}
