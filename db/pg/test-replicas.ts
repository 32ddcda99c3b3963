// For *.pg.test.ts: one migrated database reached through several handles (each its own pool, as
// replicas are), to run registry writes against each other; closed when the test finishes.
import { onTestFinished } from 'vitest';
import { closePg, openPg, type PgDb } from './client';
import { migratePg } from './migrate';
import { freshDatabase } from './test-pg';

export async function replicaDbs(n: number): Promise<PgDb[]> {
  const url = await freshDatabase();
  const handles = Array.from({ length: n }, () => openPg(url, { max: 4 }));
  onTestFinished(async () => {
    await Promise.all(handles.map(closePg));
  });
  await migratePg(handles[0].pool);
  return handles.map((h) => h.db);
}
