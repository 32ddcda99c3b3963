// ARTIFACT_STORE=fs: today's files in DATA_DIR/artifacts, verified by hash on every read.
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsArtifactStore } from './fs-store';
import { noise, removeTestDirs, tempFileOf, testDir } from './test-files';
import { ArtifactCorruptError, ArtifactMissingError } from './types';

afterAll(removeTestDirs);

describe('FsArtifactStore', () => {
  it('moves the temp file in under its hash, reads it back verified, removes it', async () => {
    const root = testDir('fs-store');
    const store = new FsArtifactStore(join(root, 'artifacts'));
    await store.init();
    const bytes = noise(3 * 1024 * 1024 + 17);
    const tmp = await tempFileOf(root, bytes);
    await store.put(tmp, 'onnx');
    expect(existsSync(tmp.path)).toBe(false);
    expect(await readdir(store.dir)).toEqual([`${tmp.sha256}.onnx`]);
    expect((await store.get(tmp.sha256, 'onnx')).equals(bytes)).toBe(true);
    expect(await store.exists(tmp.sha256, 'onnx')).toBe(true);
    expect(await store.exists(tmp.sha256, 'json')).toBe(false);
    await store.remove(tmp.sha256, 'onnx');
    expect(await store.exists(tmp.sha256, 'onnx')).toBe(false);
    await expect(store.get(tmp.sha256, 'onnx')).rejects.toBeInstanceOf(ArtifactMissingError);
    // Removing what is gone is not an error (a deletion retried after a crash).
    await store.remove(tmp.sha256, 'onnx');
  });

  it('refuses a file whose bytes changed on disk', async () => {
    const root = testDir('fs-store');
    const store = new FsArtifactStore(join(root, 'artifacts'));
    const tmp = await tempFileOf(root, noise(1000));
    await store.put(tmp, 'json');
    await writeFile(store.path(tmp.sha256, 'json'), noise(1000));
    await expect(store.get(tmp.sha256, 'json')).rejects.toBeInstanceOf(ArtifactCorruptError);
  });

  it('refuses a name that is not a sha256 (no path can escape the folder)', async () => {
    const store = new FsArtifactStore(join(testDir('fs-store'), 'artifacts'));
    await expect(store.get('../../etc/passwd', 'onnx')).rejects.toThrow(/not a sha256/);
  });
});
