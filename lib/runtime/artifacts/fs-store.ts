// ARTIFACT_STORE=fs (the default): artifacts as files in DATA_DIR/artifacts. A commit renames the
// fsynced temp file into place and fsyncs the folder, so after a crash a name either holds the whole
// file or does not exist; the temp folder must be on the same filesystem (it is: DATA_DIR/tmp).
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactMissingError, artifactName, verifyArtifact, type ArtifactKind, type ArtifactStore, type TempFile } from './types';

/** fsync of a folder makes a rename in it durable (ext4 and xfs may otherwise lose it on power loss). */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export class FsArtifactStore implements ArtifactStore {
  readonly backend = 'fs';

  constructor(readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  path(sha256: string, kind: ArtifactKind): string {
    return join(this.dir, artifactName(sha256, kind));
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async put(tmp: TempFile, kind: ArtifactKind): Promise<void> {
    const dest = this.path(tmp.sha256, kind);
    await mkdir(this.dir, { recursive: true });
    await rename(tmp.path, dest);
    await syncDir(this.dir);
  }

  async get(sha256: string, kind: ArtifactKind): Promise<Buffer> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(sha256, kind));
    } catch (err) {
      if (isMissing(err)) throw new ArtifactMissingError(`artifact ${artifactName(sha256, kind)} is missing from ${this.dir}`);
      throw err;
    }
    await verifyArtifact(bytes, sha256, kind, this.dir);
    return bytes;
  }

  async exists(sha256: string, kind: ArtifactKind): Promise<boolean> {
    return stat(this.path(sha256, kind)).then(
      () => true,
      (err: unknown) => {
        if (isMissing(err)) return false;
        throw err;
      },
    );
  }

  async remove(sha256: string, kind: ArtifactKind): Promise<void> {
    await rm(this.path(sha256, kind), { force: true });
  }

  async close(): Promise<void> {}
}
