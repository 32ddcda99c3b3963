// Liveness of the application's dependencies (the database).
import { sql } from 'drizzle-orm';
import { db } from '../lookups';

export async function checkHealth(): Promise<{ status: 'ok' | 'unavailable'; detail?: string }> {
  try {
    db().get(sql`select 1`);
    return { status: 'ok' };
  } catch (err) {
    console.error('[modeldock] health check failed', err);
    return { status: 'unavailable', detail: 'the database is unusable' };
  }
}
