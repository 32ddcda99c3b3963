// Event log queries on PostgreSQL (twins of db/queries/events.ts).
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { EventKind, EventRow } from '../../schema';
import type { PgDb, PgTx } from '../client';
import { events } from '../schema';
import { notifyRegistryEventPg } from './outbox';

/** Records an event, and queues its webhook deliveries; call inside the transaction that makes the change. */
export async function recordEventPg(
  tx: PgTx | PgDb,
  e: { modelId: number | null; kind: EventKind; actor: string; detail: Record<string, unknown>; ts?: number },
): Promise<void> {
  const ts = e.ts ?? Date.now();
  await tx.insert(events).values({ modelId: e.modelId, kind: e.kind, actor: e.actor, detail: e.detail, ts });
  await notifyRegistryEventPg(tx, { ...e, ts });
}

export async function listEventsPg(db: PgDb, q: { modelId: number | null; limit: number; beforeId?: number }): Promise<EventRow[]> {
  const owner = q.modelId === null ? isNull(events.modelId) : eq(events.modelId, q.modelId);
  return db
    .select()
    .from(events)
    .where(q.beforeId ? and(owner, lt(events.id, q.beforeId)) : owner)
    .orderBy(desc(events.id))
    .limit(q.limit);
}

export async function listAliasMovesPg(db: PgDb, q: { modelId: number; alias: string; limit: number }): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, q.modelId), eq(events.kind, 'alias_moved'), sql`${events.detail}->>'alias' = ${q.alias}`))
    .orderBy(desc(events.id))
    .limit(q.limit);
}

export async function latestSplitSetPg(db: PgDb, q: { modelId: number; alias: string }): Promise<EventRow | undefined> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.modelId, q.modelId), eq(events.kind, 'split_set'), sql`${events.detail}->>'alias' = ${q.alias}`))
    .orderBy(desc(events.id))
    .limit(1);
  return row;
}
