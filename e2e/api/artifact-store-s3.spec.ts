// ARTIFACT_STORE=s3 end to end: the production server on a DATA_DIR and port of its own, its model
// files in a bucket of an in-process S3 endpoint (s3rver, its own port and folder). Uploads land in
// the bucket, never in DATA_DIR/artifacts; after a restart on an empty cache the server serves the
// same answers from the bucket; deleting the model deletes the object; a missing setting or bucket
// stops the start with a message naming it.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '../../lib/runtime/artifacts/s3-client';
import { startTestS3, type TestS3 } from '../../lib/runtime/artifacts/test-s3';
import { fixture } from '../fixtures';
import { AUTH, api, freePort, freshDataDir, killServer, regress, setupModel, startServer, stopAllServers } from './server-process';

test.describe.configure({ mode: 'serial' });

let s3: TestS3;
test.beforeAll(async () => {
  s3 = await startTestS3('e2e-models');
});
test.afterAll(async () => {
  await stopAllServers();
  await s3.stop();
});

function s3Env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ARTIFACT_STORE: 's3',
    S3_ENDPOINT: s3.settings.endpoint,
    S3_BUCKET: s3.settings.bucket,
    S3_ACCESS_KEY_ID: s3.settings.credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.settings.credentials.secretAccessKey,
    S3_PREFIX: 'e2e/',
    ...overrides,
  };
}

const ROWS = [
  [1, 2, 3],
  [0.5, -1, 2],
];

test('upload, predict, restart on an empty cache, download and delete, all through the bucket', async () => {
  const dataDir = freshDataDir('s3-store');
  const model = fixture('regressor.onnx');
  const key = `e2e/${createHash('sha256').update(model).digest('hex')}.onnx`;
  const bucket = new S3Client(s3.settings);

  let server = await startServer(dataDir, await freePort(), s3Env());
  expect(server.output.join('')).toContain(`artifact store: s3 (${s3.settings.endpoint}/e2e-models/e2e/)`);
  await setupModel(server, 'reg', [model]);
  expect(await bucket.headObject(key)).toBe(true);
  expect(existsSync(join(dataDir, 'artifacts'))).toBe(false);
  const first = await api(server, 'POST', '/api/v1/models/reg/predict', { instances: ROWS });
  expect(first.status, JSON.stringify(first.json)).toBe(200);
  expect(first.json.predictions).toHaveLength(2);
  first.json.predictions.forEach((p: number, i: number) => expect(p).toBeCloseTo(regress(ROWS[i]), 5));

  await killServer(server, 'SIGTERM');
  rmSync(join(dataDir, 'artifact-cache'), { recursive: true, force: true });
  server = await startServer(dataDir, await freePort(), s3Env());
  const again = await api(server, 'POST', '/api/v1/models/reg/predict', { instances: ROWS });
  expect(again.status, JSON.stringify(again.json)).toBe(200);
  expect(again.json.predictions).toEqual(first.json.predictions);
  expect(readdirSync(join(dataDir, 'artifact-cache'))).toEqual([key.slice('e2e/'.length)]);

  const download = await fetch(`${server.base}/api/v1/models/reg/versions/1/artifact`, { headers: AUTH });
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).equals(model)).toBe(true);

  expect((await api(server, 'DELETE', '/api/v1/models/reg/aliases/production')).status).toBe(204);
  const removed = await api(server, 'DELETE', '/api/v1/models/reg');
  expect(removed.status, JSON.stringify(removed.json)).toBe(204);
  expect(await bucket.headObject(key)).toBe(false);
  expect(readdirSync(join(dataDir, 'artifact-cache'))).toEqual([]);
});

test('the start stops with the reason: a missing setting, a missing bucket', async () => {
  const missing = startServer(freshDataDir('s3-store'), await freePort(), s3Env({ S3_BUCKET: '' }));
  await expect(missing).rejects.toThrow(/S3_BUCKET: required when ARTIFACT_STORE=s3/);
  const noBucket = startServer(freshDataDir('s3-store'), await freePort(), s3Env({ S3_BUCKET: 'no-such-bucket' }));
  await expect(noBucket).rejects.toThrow(/S3 HeadBucket at .*\/no-such-bucket: NotFound/);
});
