// The events that start and end experiments (splits and shadows), newest first: what the
// comparison reads to know since when two versions have been compared.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { events, type EventRow } from '../schema';

export function listTrafficEvents(db: Db, modelId: number, limit = 500): EventRow[] {
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, modelId), inArray(events.kind, ['split_set', 'split_ended', 'shadow_set', 'shadow_ended', 'alias_moved'])))
    .orderBy(desc(events.id))
    .limit(limit)
    .all();
}
