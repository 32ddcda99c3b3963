// Liveness of the application's dependencies (the database).
import { pingDatabase } from '../../../db/health';
import { db } from '../lookups';

export async function checkHealth(): Promise<{ status: 'ok' | 'unavailable'; detail?: string }> {
  try {
    await pingDatabase(db());
    return { status: 'ok' };
  } catch (err) {
    console.error('[modeldock] health check failed', err);
    return { status: 'unavailable', detail: 'the database is unusable' };
  }
}
