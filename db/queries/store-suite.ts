// What the store suites (db/queries/*.suite.ts, run on SQLite and on PostgreSQL) share: whole-table
// reads and the raw writes a test needs that no async repository function offers (the prediction
// log's and outcomes' writers belong to workers), on either dialect, and the AppError a refused call
// rejects with. Rows come in insertion order (SQLite's rowid, the identity column on PostgreSQL).
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import { insertPredictions } from '../pg/queries/log';
import * as pg from '../pg/schema';
import type { PredictionRecord } from '../prediction-ids';
import { aliases, aliasWeights, events, modelVersions, outcomes, type EventRow, type VersionRow } from '../schema';
import { predictionInserter } from './predictions';

export async function allEvents(db: AnyDb): Promise<EventRow[]> {
  return isPg(db) ? db.select().from(pg.events).orderBy(asc(pg.events.id)) : db.select().from(events).all();
}

export async function allVersions(db: AnyDb): Promise<VersionRow[]> {
  return isPg(db) ? db.select().from(pg.modelVersions).orderBy(asc(pg.modelVersions.id)) : db.select().from(modelVersions).all();
}

/** Every alias row, whatever model it belongs to. */
export async function allAliases(db: AnyDb): Promise<(typeof aliases.$inferSelect)[]> {
  return isPg(db) ? db.select().from(pg.aliases) : db.select().from(aliases).all();
}

/** Every split weight row, whatever alias it belongs to. */
export async function allAliasWeights(db: AnyDb): Promise<(typeof aliasWeights.$inferSelect)[]> {
  return isPg(db) ? db.select().from(pg.aliasWeights) : db.select().from(aliasWeights).all();
}

/** Removes a version row behind the repository's back (what no API does: to show numbers are never reused). */
export async function deleteVersionRow(db: AnyDb, id: number): Promise<void> {
  if (isPg(db)) await db.delete(pg.modelVersions).where(eq(pg.modelVersions.id, id));
  else db.delete(modelVersions).where(eq(modelVersions.id, id)).run();
}

/** Logs prediction requests as the log writer does. */
export async function logPredictions(db: AnyDb, records: PredictionRecord[]): Promise<void> {
  if (isPg(db)) await insertPredictions(db.$client, records, db.partitions);
  else predictionInserter(db)(records);
}

/** Stores outcome rows as they are (no checks, no rollup corrections). */
export async function insertOutcomeRows(db: AnyDb, rows: (typeof outcomes.$inferInsert)[]): Promise<void> {
  if (isPg(db)) await db.insert(pg.outcomes).values(rows);
  else db.insert(outcomes).values(rows).run();
}

/** The AppError `p` rejects with (the test fails when it resolves or rejects with anything else). */
export async function appError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
