// Whether the database answers a query (readiness and /api/health).
import { sql } from 'drizzle-orm';
import type { Db } from './client';

export function pingDatabase(db: Db): void {
  db.get(sql`select 1`);
}
