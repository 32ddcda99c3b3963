// The events that start and end experiments (splits and shadows), newest first: what the
// comparison reads to know since when two versions have been compared.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { isPg, type AnyDb } from '../any-db';
import { listTrafficEventsPg } from '../pg/queries/traffic-events';
import { events, type EventRow } from '../schema';
import { TRAFFIC_EVENT_KINDS } from './registry-rules';

export async function listTrafficEvents(db: AnyDb, modelId: number, limit = 500): Promise<EventRow[]> {
  if (isPg(db)) return listTrafficEventsPg(db, modelId, limit);
  return db
    .select()
    .from(events)
    .where(and(eq(events.modelId, modelId), inArray(events.kind, TRAFFIC_EVENT_KINDS)))
    .orderBy(desc(events.id))
    .limit(limit)
    .all();
}
