// For *.pg.test.ts that race replicas: several PgDb handles (each its own pool, as separate
// processes would have) on one new, migrated database, closed when the test finishes.
import { onTestFinished } from 'vitest';
import { closePg, openPg, type PgDb } from './client';
import { migratePg } from './migrate';
import { freshDatabase } from './test-pg';

export async function freshPgReplicas(count: number, { max = 4 }: { max?: number } = {}): Promise<PgDb[]> {
  const url = await freshDatabase();
  const handles = Array.from({ length: count }, () => openPg(url, { max }));
  onTestFinished(() => Promise.all(handles.map(closePg)).then(() => undefined));
  await migratePg(handles[0].pool);
  return handles.map((h) => h.db);
}
