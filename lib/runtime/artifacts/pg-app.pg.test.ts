// The app with ARTIFACT_STORE=pg and DATABASE_URL (the registry itself still on SQLite): the start
// creates the tables (PostgreSQL migrations), an upload is stored as chunks, a prediction loads the
// model from them, a fresh runtime on an empty cache serves the same answers, deletion removes the
// rows and chunks.
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg } from '../../../db/pg/client';
import { freshDatabase } from '../../../db/pg/test-pg';
import { removeTestDirs, sha256Of, testDir } from './test-files';

const url = await freshDatabase('artifact_app');
const dataDir = testDir('pg-app');
Object.assign(process.env, { DATA_DIR: dataDir, ARTIFACT_STORE: 'pg', DATABASE_URL: url, ARTIFACT_CACHE_MB: '64' });

const { closeRuntime, runtime } = await import('../runtime');
const { migrateRuntimeDatabase } = await import('../start');
const { initStore, writeTempBytes } = await import('../artifact-store');
const { createModel, deleteModel } = await import('../../server/registry/models');
const { uploadVersion } = await import('../../server/registry/upload-version');
const { predict } = await import('../../server/serving/predict');

const actor = { name: 'tester', kind: 'system' as const, scopes: ['admin' as const] };
const check = openPg(url, { max: 1 });
const ROWS = [
  [1, 2, 3],
  [0.5, -1, 2],
];

beforeAll(async () => {
  await migrateRuntimeDatabase();
  await initStore();
});
afterAll(async () => {
  await closeRuntime();
  await closePg(check);
  removeTestDirs();
});

const predictRows = async () => (await predict({ model: 'reg', version: 1 }, { raw: null, json: () => ({ instances: ROWS }) })).predictions as number[];
const rows = async (table: string) => Number((await check.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('the app on ARTIFACT_STORE=pg', () => {
  it('uploads into chunks, predicts, serves a fresh runtime from the database, deletes', async () => {
    expect(runtime().artifacts.backend).toBe('pg');
    const model = await readFile(join(process.cwd(), 'e2e', 'fixtures', 'models', 'regressor.onnx'));
    await createModel({ name: 'reg', task: 'regression' }, actor);
    await uploadVersion(
      'reg',
      async () => ({ fields: {}, files: { file: { ...(await writeTempBytes(model)), filename: 'r.onnx', mimeType: 'application/octet-stream' } } }),
      actor,
    );
    const stored = await check.pool.query('SELECT sha256, kind, size_bytes FROM artifacts');
    expect(stored.rows).toEqual([{ sha256: sha256Of(model), kind: 'onnx', size_bytes: model.length }]);
    const first = await predictRows();
    first.forEach((p, i) => expect(p).toBeCloseTo(ROWS[i][0] + 2 * ROWS[i][1] + 3 * ROWS[i][2] + 0.5, 5));

    await closeRuntime();
    await rm(join(dataDir, 'artifact-cache'), { recursive: true });
    expect(await predictRows()).toEqual(first);
    expect(await readdir(join(dataDir, 'artifact-cache'))).toEqual([`${sha256Of(model)}.onnx`]);

    await deleteModel('reg', actor);
    expect(await rows('artifacts')).toBe(0);
    expect(await rows('artifact_chunks')).toBe(0);
  });
});
