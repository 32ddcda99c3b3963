// What the store suites (db/queries/*.suite.ts, run on SQLite and on PostgreSQL) share: whole-table
// reads and the one raw write a test needs that no repository function offers, on either dialect,
// and the AppError a refused call rejects with. Rows come in insertion order (SQLite's rowid, the
// identity column on PostgreSQL).
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import * as pg from '../pg/schema';
import { aliases, aliasWeights, events, modelVersions, type EventRow, type VersionRow } from '../schema';

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

/** The AppError `p` rejects with (the test fails when it resolves or rejects with anything else). */
export async function appError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}
