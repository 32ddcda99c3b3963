// GET /api/v1/storage (Settings → Storage) on the engine the suite runs on: the SQLite file's
// figures, or PostgreSQL's (the database's size and the log's monthly partitions); on both, what
// the log holds counts what was just logged, and only an admin may read it.
import { expect, test } from '@playwright/test';
import { onPostgres } from '../db';
import { binaryModel, binaryRow, seeded } from './monitoring-helpers';
import { predictOk } from './serving-helpers';
import type { StorageDto } from '../../lib/schemas/storage';

test("storage answers with the engine's own figures, and the log counts what was logged", async ({ request, playwright, baseURL }) => {
  const name = await binaryModel(request, 'storage-figures');
  const before = (await (await request.get('/api/v1/storage')).json()) as StorageDto;
  const random = seeded(11);
  await predictOk(request, name, { instances: Array.from({ length: 5 }, () => binaryRow(random)) });
  const res = await request.get('/api/v1/storage');
  expect(res.status(), await res.text()).toBe(200);
  const s = (await res.json()) as StorageDto;
  // Other specs log meanwhile: at least these 5 rows and this request more than before.
  expect(s.log.predictions).toBeGreaterThanOrEqual(before.log.predictions + 5);
  expect(s.log.requests).toBeGreaterThanOrEqual(before.log.requests + 1);
  expect(s.log.oldest).not.toBeNull();
  expect(s.growth.days).toHaveLength(7);
  if (onPostgres) {
    expect(s.engine).toBe('postgresql');
    expect(s.database).toBeNull();
    const month = new Date().toISOString().slice(0, 7);
    const pg = s.postgresql!;
    expect(pg.months.map((m) => m.month)).toContain(month);
    expect(pg.log_bytes).toBe(pg.months.reduce((n, m) => n + m.bytes, 0));
    expect(pg.database_bytes).toBeGreaterThan(pg.log_bytes);
  } else {
    expect(s.engine).toBe('sqlite');
    expect(s.postgresql).toBeNull();
    expect(s.database!.file_bytes).toBeGreaterThan(0);
    expect(s.database!.page_size).toBeGreaterThan(0);
  }
  expect(s.log.bytes_per_prediction).toBeGreaterThan(0);

  // Without credentials: 401.
  const anonymous = await playwright.request.newContext({ baseURL, extraHTTPHeaders: {} });
  expect((await anonymous.get('/api/v1/storage')).status()).toBe(401);
  await anonymous.dispose();
});
