// Whether the database answers a query (readiness and /api/health).
import { sql } from 'drizzle-orm';
import { isPg, type AnyDb } from './any-db';

export async function pingDatabase(db: AnyDb): Promise<void> {
  if (isPg(db)) await db.execute(sql`select 1`);
  else db.get(sql`select 1`);
}
