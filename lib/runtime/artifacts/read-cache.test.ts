// The read-through cache of the remote backends: every hit verified (a corrupt copy is fetched
// again), the folder bounded with the least recently used files evicted, the order kept across a
// restart. The remote here is a map in memory that counts downloads.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from './read-cache';
import { RemoteArtifactStore, type RemoteBlobs } from './remote-store';
import { noise, removeTestDirs, sha256Of, tempFileOf, testDir } from './test-files';
import type { ArtifactKind, TempFile } from './types';

afterAll(removeTestDirs);

const MiB = 1024 * 1024;

class MemoryBlobs implements RemoteBlobs {
  readonly backend = 's3';
  readonly where = 'memory';
  readonly blobs = new Map<string, Buffer>();
  downloads = 0;
  async init() {}
  async upload(tmp: TempFile, kind: ArtifactKind) {
    this.blobs.set(`${tmp.sha256}.${kind}`, await readFile(tmp.path));
  }
  async download(sha256: string, kind: ArtifactKind) {
    this.downloads++;
    return this.blobs.get(`${sha256}.${kind}`) ?? null;
  }
  async has(sha256: string, kind: ArtifactKind) {
    return this.blobs.has(`${sha256}.${kind}`);
  }
  async delete(sha256: string, kind: ArtifactKind) {
    this.blobs.delete(`${sha256}.${kind}`);
  }
  async close() {}
}

function setup(maxBytes: number) {
  const root = testDir('cache');
  const remote = new MemoryBlobs();
  const dir = join(root, 'artifact-cache');
  return { root, remote, dir, store: new RemoteArtifactStore(remote, new ArtifactCache(dir, maxBytes)) };
}

describe('artifact read cache', () => {
  it('drops a corrupt cached copy and fetches the artifact again', async () => {
    const { root, remote, dir, store } = setup(16 * MiB);
    const bytes = noise(MiB);
    const tmp = await tempFileOf(root, bytes);
    await store.put(tmp, 'onnx');
    expect((await store.get(tmp.sha256, 'onnx')).equals(bytes)).toBe(true);
    expect(remote.downloads).toBe(0);

    const cached = join(dir, `${tmp.sha256}.onnx`);
    const damaged = Buffer.from(bytes);
    damaged[12345] ^= 1;
    await writeFile(cached, damaged);
    expect((await store.get(tmp.sha256, 'onnx')).equals(bytes)).toBe(true);
    expect(remote.downloads).toBe(1);
    // The good bytes are cached again: the next read is local.
    expect((await readFile(cached)).equals(bytes)).toBe(true);
    await store.get(tmp.sha256, 'onnx');
    expect(remote.downloads).toBe(1);
  });

  it('concurrent reads of one artifact share one download', async () => {
    const { root, remote, store } = setup(0);
    const bytes = noise(100_000);
    const tmp = await tempFileOf(root, bytes);
    await remote.upload(tmp, 'onnx');
    const reads = await Promise.all([1, 2, 3, 4].map(() => store.get(tmp.sha256, 'onnx')));
    expect(reads.every((r) => r.equals(bytes))).toBe(true);
    expect(remote.downloads).toBe(1);
  });

  it('stays within its bound, evicting the least recently used file first, across a restart', async () => {
    const { root, remote, dir, store } = setup(3 * MiB);
    const shas: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tmp = await tempFileOf(root, noise(MiB));
      await store.put(tmp, 'onnx');
      shas.push(tmp.sha256);
      await new Promise((r) => setTimeout(r, 20)); // distinct mtimes
    }
    // The first becomes the most recently used; adding a fourth evicts the second.
    await store.get(shas[0], 'onnx');
    const fourth = await tempFileOf(root, noise(MiB));
    await store.put(fourth, 'onnx');
    const names = (await readdir(dir)).sort();
    expect(names).toEqual([shas[0], shas[2], fourth.sha256].map((s) => `${s}.onnx`).sort());
    const total = (await Promise.all(names.map((n) => stat(join(dir, n))))).reduce((sum, s) => sum + s.size, 0);
    expect(total).toBeLessThanOrEqual(3 * MiB);
    expect(store.cache!.bytes).toBe(total);

    // A restart with a smaller bound: the order comes back from the files' mtimes.
    const restarted = new RemoteArtifactStore(remote, new ArtifactCache(dir, 2 * MiB));
    await restarted.get(fourth.sha256, 'onnx');
    expect((await readdir(dir)).sort()).toEqual([shas[0], fourth.sha256].map((s) => `${s}.onnx`).sort());
    // An evicted artifact is still served, from the remote.
    const before = remote.downloads;
    expect(sha256Of(await restarted.get(shas[1], 'onnx'))).toBe(shas[1]);
    expect(remote.downloads).toBe(before + 1);
  });

  it('a file larger than the whole cache is served but not kept', async () => {
    const { root, dir, store } = setup(MiB);
    const tmp = await tempFileOf(root, noise(MiB + 1));
    await store.put(tmp, 'onnx');
    expect(existsSync(tmp.path)).toBe(false);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
    expect(sha256Of(await store.get(tmp.sha256, 'onnx'))).toBe(tmp.sha256);
    expect(await readdir(dir)).toEqual([]);
  });

  it('a cache folder that cannot be used costs downloads, never an upload or a read', async () => {
    const { root, remote, dir, store } = setup(16 * MiB);
    await writeFile(dir, 'a file where the folder should be');
    const bytes = noise(5000);
    const tmp = await tempFileOf(root, bytes);
    await store.put(tmp, 'json');
    expect(existsSync(tmp.path)).toBe(false);
    expect((await store.get(tmp.sha256, 'json')).equals(bytes)).toBe(true);
    expect((await store.get(tmp.sha256, 'json')).equals(bytes)).toBe(true);
    expect(remote.downloads).toBe(2);
    await store.remove(tmp.sha256, 'json');
    expect(await remote.has(tmp.sha256, 'json')).toBe(false);
  });
});
