// Event log queries: every registry change is recorded with its actor, and fanned out to the
// webhooks that listen to it in the same transaction (db/queries/outbox.ts).
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { isPg, type AnyDb } from '../any-db';
import type { Db } from '../client';
import { latestSplitSetPg, listAliasMovesPg, listEventsPg } from '../pg/queries/events';
import { events, type EventKind, type EventRow } from '../schema';
import { notifyRegistryEvent } from './outbox';

type Tx = Pick<Db, 'insert' | 'select'>;

/** Records an event, and queues its webhook deliveries; call inside the transaction that makes the change. */
export function recordEvent(tx: Tx, e: { modelId: number | null; kind: EventKind; actor: string; detail: Record<string, unknown>; ts?: number }): void {
  const ts = e.ts ?? Date.now();
  tx.insert(events).values({ modelId: e.modelId, kind: e.kind, actor: e.actor, detail: e.detail, ts }).run();
  notifyRegistryEvent(tx, { ...e, ts });
}

/** A model's events, or (modelId null) the events that belong to no model: keys, users, deletions. */
export async function listEvents(db: AnyDb, q: { modelId: number | null; limit: number; beforeId?: number }): Promise<EventRow[]> {
  if (isPg(db)) return listEventsPg(db, q);
  const owner = q.modelId === null ? isNull(events.modelId) : eq(events.modelId, q.modelId);
  return db
    .select()
    .from(events)
    .where(q.beforeId ? and(owner, lt(events.id, q.beforeId)) : owner)
    .orderBy(desc(events.id))
    .limit(q.limit)
    .all();
}

/** Alias moves of one alias, newest first (the history rollback walks). */
export async function listAliasMoves(db: AnyDb, q: { modelId: number; alias: string; limit: number }): Promise<EventRow[]> {
  if (isPg(db)) return listAliasMovesPg(db, q);
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, q.modelId), eq(events.kind, 'alias_moved'), sql`json_extract(${events.detail}, '$.alias') = ${q.alias}`))
    .orderBy(desc(events.id))
    .limit(q.limit)
    .all();
}

/** The alias's latest split_set event (where a rollback of the split returns to). */
export async function latestSplitSet(db: AnyDb, q: { modelId: number; alias: string }): Promise<EventRow | undefined> {
  if (isPg(db)) return latestSplitSetPg(db, q);
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, q.modelId), eq(events.kind, 'split_set'), sql`json_extract(${events.detail}, '$.alias') = ${q.alias}`))
    .orderBy(desc(events.id))
    .limit(1)
    .get();
}
