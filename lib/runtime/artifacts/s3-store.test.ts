// ARTIFACT_STORE=s3 against a real S3 endpoint (s3rver, in-process): objects under the prefix,
// reads through the cache, a corrupt or missing object refused, errors that name the cause.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from './read-cache';
import { RemoteArtifactStore } from './remote-store';
import { S3Client, S3Error } from './s3-client';
import { S3Blobs } from './s3-store';
import { noise, removeTestDirs, sha256Of, tempFileOf, testDir } from './test-files';
import { startTestS3, type TestS3 } from './test-s3';
import { ArtifactCorruptError, ArtifactMissingError } from './types';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3.stop();
  removeTestDirs();
});

function s3Store(prefix = 'mdk/') {
  const root = testDir('s3-store');
  const client = new S3Client(s3.settings);
  const store = new RemoteArtifactStore(new S3Blobs(client, prefix), new ArtifactCache(join(root, 'artifact-cache'), 64 * 1024 * 1024));
  return { root, client, store, cache: store.cache! };
}

describe('S3 artifact store', () => {
  it('puts a 3 MiB file under <prefix><sha256>.<kind>, reads it back from the cache and, cold, from the bucket', async () => {
    const { root, client, store, cache } = s3Store();
    await store.init();
    const bytes = noise(3 * 1024 * 1024 + 5);
    const tmp = await tempFileOf(root, bytes);
    await store.put(tmp, 'onnx');
    expect(existsSync(tmp.path)).toBe(false);
    expect(await client.headObject(`mdk/${tmp.sha256}.onnx`)).toBe(true);
    expect((await client.getObject(`mdk/${tmp.sha256}.onnx`))!.equals(bytes)).toBe(true);
    // The upload's temp file became the cached copy.
    expect(await readdir(cache.dir)).toEqual([`${tmp.sha256}.onnx`]);
    expect((await store.get(tmp.sha256, 'onnx')).equals(bytes)).toBe(true);

    // Another replica: an empty cache, the same bucket.
    const other = s3Store();
    expect((await other.store.get(tmp.sha256, 'onnx')).equals(bytes)).toBe(true);
    expect(await readdir(other.cache.dir)).toEqual([`${tmp.sha256}.onnx`]);
    expect(await other.store.exists(tmp.sha256, 'onnx')).toBe(true);

    await store.remove(tmp.sha256, 'onnx');
    expect(await client.headObject(`mdk/${tmp.sha256}.onnx`)).toBe(false);
    expect(await readdir(cache.dir)).toEqual([]);
    expect(await other.store.exists(tmp.sha256, 'onnx')).toBe(false);
  });

  it('refuses an object whose bytes do not hash to its name, and does not cache it', async () => {
    const { root, client, store, cache } = s3Store();
    const good = noise(2000);
    const sha = sha256Of(good);
    const bad = await tempFileOf(root, noise(2000));
    await client.putObject(`mdk/${sha}.json`, { path: bad.path, size: bad.size, sha256: bad.sha256 });
    await expect(store.get(sha, 'json')).rejects.toBeInstanceOf(ArtifactCorruptError);
    expect(await readdir(cache.dir)).toEqual([]);
  });

  it('a missing object is an ArtifactMissingError naming the bucket', async () => {
    const { store } = s3Store();
    const sha = sha256Of(noise(10));
    await expect(store.get(sha, 'onnx')).rejects.toBeInstanceOf(ArtifactMissingError);
    await expect(store.get(sha, 'onnx')).rejects.toThrow(`artifact ${sha}.onnx is missing from ${s3.settings.endpoint}/models/mdk/`);
  });

  it('equal content uploaded twice is stored once, and keys without a prefix work', async () => {
    const { root, client, store } = s3Store('');
    const bytes = noise(4096);
    await store.put(await tempFileOf(root, bytes), 'onnx');
    await store.put(await tempFileOf(root, bytes), 'onnx');
    expect((await client.getObject(`${sha256Of(bytes)}.onnx`))!.equals(bytes)).toBe(true);
  });

  it('the start fails with the endpoint’s reason: a missing bucket, an unknown key', async () => {
    const noBucket = new S3Blobs(new S3Client({ ...s3.settings, bucket: 'no-such-bucket' }), '');
    await expect(noBucket.init()).rejects.toThrow(/HeadBucket .*no-such-bucket: NotFound/);
    const badKey = new S3Client({ ...s3.settings, credentials: { accessKeyId: 'WRONG', secretAccessKey: 'x' } });
    const err = await badKey.getObject('anything').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3Error);
    expect((err as S3Error).code).toBe('InvalidAccessKeyId');
  });
});
