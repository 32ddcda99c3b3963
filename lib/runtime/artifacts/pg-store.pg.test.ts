// ARTIFACT_STORE=pg on a real PostgreSQL (the suite's throwaway cluster, a database per file):
// multi-chunk files round-trip verified, a chunk two files share is stored once and outlives the
// removal of one of them, concurrent puts from two pools (two replicas) both succeed, and a
// damaged or missing chunk is an ArtifactCorruptError.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../../../db/pg/client';
import { freshDatabase } from '../../../db/pg/test-pg';
import { PgBlobs } from './pg-store';
import { ArtifactCache } from './read-cache';
import { RemoteArtifactStore } from './remote-store';
import { noise, removeTestDirs, sha256Of, tempFileOf, testDir } from './test-files';
import { ArtifactCorruptError, ArtifactMissingError } from './types';

const MiB = 1024 * 1024;
let url: string;
const handles: PgHandle[] = [];
const root = testDir('pg-store');

function replica(): { store: RemoteArtifactStore; pool: PgHandle['pool'] } {
  const handle = openPg(url, { max: 4 });
  handles.push(handle);
  // No cache: every read below goes to the database.
  return { store: new RemoteArtifactStore(new PgBlobs(handle), null), pool: handle.pool };
}

beforeAll(async () => {
  url = await freshDatabase('artifacts');
  const handle = openPg(url);
  await new PgBlobs(handle).init();
  await closePg(handle);
});
afterAll(async () => {
  await Promise.all(handles.map(closePg));
  removeTestDirs();
});

const count = async (pool: PgHandle['pool'], table: 'artifacts' | 'artifact_chunks') =>
  Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

async function put(store: RemoteArtifactStore, bytes: Buffer, kind: 'onnx' | 'json' = 'onnx'): Promise<string> {
  const tmp = await tempFileOf(root, bytes);
  await store.put(tmp, kind);
  return tmp.sha256;
}

async function reset(pool: PgHandle['pool']): Promise<void> {
  await pool.query('TRUNCATE artifacts, artifact_chunks');
}

describe('PostgreSQL artifact store', () => {
  it('round-trips a 3.5 MiB file in 4 chunks, verified, and reads through a cache on disk', async () => {
    const { store, pool } = replica();
    await reset(pool);
    const bytes = noise(3.5 * MiB);
    const sha = await put(store, bytes);
    const row = (await pool.query('SELECT size_bytes, chunks FROM artifacts WHERE sha256 = $1', [sha])).rows[0];
    expect(row.size_bytes).toBe(bytes.length);
    expect(row.chunks).toEqual([0, 1, 2, 3].map((i) => sha256Of(bytes.subarray(i * MiB, (i + 1) * MiB))));
    expect((await store.get(sha, 'onnx')).equals(bytes)).toBe(true);
    expect(await store.exists(sha, 'onnx')).toBe(true);
    expect(await store.exists(sha, 'json')).toBe(false);

    const cached = new RemoteArtifactStore(store.remote, new ArtifactCache(testDir('pg-cache'), 64 * MiB));
    expect((await cached.get(sha, 'onnx')).equals(bytes)).toBe(true);
    await pool.query('TRUNCATE artifacts, artifact_chunks');
    expect((await cached.get(sha, 'onnx')).equals(bytes)).toBe(true); // from the cache
    await expect(store.get(sha, 'onnx')).rejects.toBeInstanceOf(ArtifactMissingError);
  });

  it('stores a chunk two files share once; removing one file keeps the other whole', async () => {
    const { store, pool } = replica();
    await reset(pool);
    const shared = noise(MiB);
    const a = Buffer.concat([shared, noise(MiB), noise(1000)]);
    const b = Buffer.concat([shared, noise(MiB), noise(2000)]);
    const shaA = await put(store, a);
    const shaB = await put(store, b);
    expect(await count(pool, 'artifacts')).toBe(2);
    expect(await count(pool, 'artifact_chunks')).toBe(5);

    await store.remove(shaA, 'onnx');
    expect(await count(pool, 'artifacts')).toBe(1);
    expect(await count(pool, 'artifact_chunks')).toBe(3);
    expect((await store.get(shaB, 'onnx')).equals(b)).toBe(true);
    await expect(store.get(shaA, 'onnx')).rejects.toBeInstanceOf(ArtifactMissingError);

    await store.remove(shaB, 'onnx');
    expect(await count(pool, 'artifact_chunks')).toBe(0);
  });

  it('the same bytes as onnx and as json are two artifacts over one set of chunks', async () => {
    const { store, pool } = replica();
    await reset(pool);
    const bytes = noise(MiB + 10);
    const sha = await put(store, bytes, 'onnx');
    await put(store, bytes, 'json');
    expect(await count(pool, 'artifact_chunks')).toBe(2);
    await store.remove(sha, 'onnx');
    expect((await store.get(sha, 'json')).equals(bytes)).toBe(true);
  });

  it('concurrent puts from two pools: the same file, and files sharing chunks in opposite order, all succeed', async () => {
    const one = replica();
    const two = replica();
    await reset(one.pool);
    const x = noise(MiB);
    const y = noise(MiB);
    const same = Buffer.concat([x, y, noise(500)]);
    const xy = Buffer.concat([x, y]);
    const yx = Buffer.concat([y, x]);
    const [s1, s2, s3, s4] = await Promise.all([put(one.store, same), put(two.store, same), put(one.store, xy), put(two.store, yx)]);
    expect(s1).toBe(s2);
    expect(await count(one.pool, 'artifacts')).toBe(3);
    expect(await count(one.pool, 'artifact_chunks')).toBe(3);
    expect((await two.store.get(s1, 'onnx')).equals(same)).toBe(true);
    expect((await one.store.get(s3, 'onnx')).equals(xy)).toBe(true);
    expect((await two.store.get(s4, 'onnx')).equals(yx)).toBe(true);
  });

  it('a damaged or missing chunk is an ArtifactCorruptError', async () => {
    const { store, pool } = replica();
    await reset(pool);
    const bytes = noise(2 * MiB + 3);
    const sha = await put(store, bytes);
    const chunks: string[] = (await pool.query('SELECT chunks FROM artifacts WHERE sha256 = $1', [sha])).rows[0].chunks;
    const damaged = Buffer.from(bytes.subarray(MiB, 2 * MiB));
    damaged[777] ^= 0xff;
    await pool.query('UPDATE artifact_chunks SET bytes = $2 WHERE sha256 = $1', [chunks[1], damaged]);
    await expect(store.get(sha, 'onnx')).rejects.toBeInstanceOf(ArtifactCorruptError);
    await pool.query('UPDATE artifact_chunks SET bytes = $2 WHERE sha256 = $1', [chunks[1], noise(10)]);
    await expect(store.get(sha, 'onnx')).rejects.toBeInstanceOf(ArtifactCorruptError);
    await pool.query('DELETE FROM artifact_chunks WHERE sha256 = $1', [chunks[2]]);
    await expect(store.get(sha, 'onnx')).rejects.toThrow(/chunk 2 .* is missing/);
  });
});
