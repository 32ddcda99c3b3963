// The whole app on ARTIFACT_STORE=s3 (SQLite registry, model files in an s3rver bucket), through the
// app's own functions: an upload lands in the bucket and not in DATA_DIR/artifacts, predictions load
// the model from it, a second replica (an empty cache, the same bucket) serves the same answers, the
// download reads it back, and deleting the model deletes the object. A backup fetches the artifacts
// from the bucket; a restore puts them into the store.
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client } from './s3-client';
import { removeTestDirs, sha256Of, testDir } from './test-files';
import { startTestS3 } from './test-s3';

const s3 = await startTestS3('app-models');
const dataDir = testDir('s3-app');
Object.assign(process.env, {
  DATA_DIR: dataDir,
  ARTIFACT_STORE: 's3',
  S3_ENDPOINT: s3.settings.endpoint,
  S3_BUCKET: s3.settings.bucket,
  S3_ACCESS_KEY_ID: s3.settings.credentials.accessKeyId,
  S3_SECRET_ACCESS_KEY: s3.settings.credentials.secretAccessKey,
  S3_PREFIX: 'replicas/',
  ARTIFACT_CACHE_MB: '64',
});

const { migrateDatabase } = await import('../../../db/migrate');
const { closeRuntime, runtime, sqliteDatabase } = await import('../runtime');
const { initStore, writeTempBytes } = await import('../artifact-store');
const { createModel, deleteModel } = await import('../../server/registry/models');
const { uploadVersion } = await import('../../server/registry/upload-version');
const { readVersionArtifact } = await import('../../server/registry/versions');
const { predict } = await import('../../server/serving/predict');
const { createBackup } = await import('../../../db/backup/backup');
const { restoreBackup } = await import('../../../db/backup/restore');
const { env } = await import('../../env');
const { storeSink, storeSource } = await import('./backup-io');
const { openArtifactStore } = await import('./open-store');

const actor = { name: 'tester', kind: 'system' as const, scopes: ['admin' as const] };
const model = await readFile(join(process.cwd(), 'e2e', 'fixtures', 'models', 'regressor.onnx'));
const sha = sha256Of(model);
const bucket = new S3Client(s3.settings);
const ROWS = [
  [1, 2, 3],
  [0.5, -1, 2],
];
const EXPECTED = ROWS.map((x) => x[0] + 2 * x[1] + 3 * x[2] + 0.5); // regressor.onnx, see e2e/api/serving-helpers.ts

beforeAll(async () => {
  migrateDatabase(sqliteDatabase().db);
  await initStore();
});
afterAll(async () => {
  await closeRuntime();
  await s3.stop();
  removeTestDirs();
});

async function predictRows(): Promise<number[]> {
  const answer = await predict({ model: 'reg', version: 1 }, { raw: null, json: () => ({ instances: ROWS }) });
  return answer.predictions as number[];
}

async function upload(name: string, bytes: Buffer): Promise<void> {
  await createModel({ name, task: 'regression' }, actor);
  await uploadVersion(
    name,
    async () => ({ fields: {}, files: { file: { ...(await writeTempBytes(bytes)), filename: 'm.onnx', mimeType: 'application/octet-stream' } } }),
    actor,
  );
}

describe('the app on ARTIFACT_STORE=s3', () => {
  it('uploads to the bucket, predicts, serves a second replica from the bucket, downloads, deletes', async () => {
    expect(runtime().artifacts.backend).toBe('s3');
    await createModel({ name: 'reg', task: 'regression' }, actor);
    const version = await uploadVersion(
      'reg',
      async () => {
        const tmp = await writeTempBytes(model);
        return { fields: {}, files: { file: { ...tmp, filename: 'regressor.onnx', mimeType: 'application/octet-stream' } } };
      },
      actor,
    );
    expect(version.sha256).toBe(sha);
    expect(await bucket.headObject(`replicas/${sha}.onnx`)).toBe(true);
    expect(existsSync(join(dataDir, 'artifacts'))).toBe(false);
    expect(await readdir(join(dataDir, 'artifact-cache'))).toEqual([`${sha}.onnx`]);
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);

    const first = await predictRows();
    first.forEach((p, i) => expect(p).toBeCloseTo(EXPECTED[i], 5));

    // Another replica: a fresh runtime on an empty cache, the same bucket.
    await closeRuntime();
    await rm(join(dataDir, 'artifact-cache'), { recursive: true });
    expect(await predictRows()).toEqual(first);
    expect(await readdir(join(dataDir, 'artifact-cache'))).toEqual([`${sha}.onnx`]);
    expect((await readVersionArtifact('reg', 1)).bytes.equals(model)).toBe(true);

    await deleteModel('reg', actor);
    expect(await bucket.headObject(`replicas/${sha}.onnx`)).toBe(false);
    expect(await readdir(join(dataDir, 'artifact-cache'))).toEqual([]);
  });

  it('a backup copies the artifacts from the bucket; a restore puts them into the store, not the folder', async () => {
    const other = await readFile(join(process.cwd(), 'e2e', 'fixtures', 'models', 'regressor-b.onnx'));
    await upload('bk', other);
    const outDir = testDir('s3-backups');
    const reader = openArtifactStore(env, { cache: false });
    const backup = await createBackup({ dataDir, outDir, artifacts: storeSource(reader) });
    await reader.close();
    expect(backup.manifest.artifact_store).toBe('s3');
    const file = `${sha256Of(other)}.onnx`;
    expect(backup.manifest.artifacts.map((a) => a.file)).toContain(file);
    expect((await readFile(join(backup.dir, 'artifacts', file))).equals(other)).toBe(true);

    // Into a fresh folder of a server whose store is another prefix of the bucket.
    const restoredDir = join(testDir('s3-restore'), 'data');
    const target = openArtifactStore({ ...env, DATA_DIR: restoredDir, S3_PREFIX: 'restored/' }, { cache: false });
    await restoreBackup({ backupDir: backup.dir, dataDir: restoredDir, force: false, artifacts: storeSink(target) });
    expect((await target.get(sha256Of(other), 'onnx')).equals(other)).toBe(true);
    expect(await bucket.headObject(`restored/${file}`)).toBe(true);
    expect(existsSync(join(restoredDir, 'artifacts'))).toBe(false);
    expect(existsSync(join(restoredDir, 'modeldock.sqlite'))).toBe(true);
    await target.close();
  });

  it('a model whose object is damaged in the bucket is not served (model_not_ready, never the wrong model)', async () => {
    await upload('reg', model);
    await closeRuntime();
    await rm(join(dataDir, 'artifact-cache'), { recursive: true });
    const other = await writeTempBytes(Buffer.from('not the model'));
    await bucket.putObject(`replicas/${sha}.onnx`, { path: other.path, size: other.size, sha256: other.sha256 });
    await expect(predictRows()).rejects.toMatchObject({ code: 'model_not_ready' });
    await expect(predictRows()).rejects.toThrow(/corrupt/);
  });

  it('a backup refuses an artifact the bucket holds damaged, and leaves no backup behind', async () => {
    const outDir = testDir('s3-backups');
    const reader = openArtifactStore(env, { cache: false });
    await expect(createBackup({ dataDir, outDir, artifacts: storeSource(reader) })).rejects.toThrow(
      new RegExp(`artifact ${sha}.onnx is corrupt in ${s3.settings.endpoint}`),
    );
    await reader.close();
    expect(await readdir(outDir)).toEqual([]);
  });
});
