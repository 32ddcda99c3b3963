// The events that start and end experiments on PostgreSQL (twin of db/queries/traffic-events.ts).
import { and, desc, eq, inArray } from 'drizzle-orm';
import { TRAFFIC_EVENT_KINDS } from '../../queries/registry-rules';
import type { EventRow } from '../../schema';
import type { PgDb } from '../client';
import { events } from '../schema';

export async function listTrafficEventsPg(db: PgDb, modelId: number, limit = 500): Promise<EventRow[]> {
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, modelId), inArray(events.kind, TRAFFIC_EVENT_KINDS)))
    .orderBy(desc(events.id))
    .limit(limit);
}
