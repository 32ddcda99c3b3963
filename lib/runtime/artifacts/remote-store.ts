// A remote backend (pg, s3) behind the local read-through cache: what every replica of a fleet reads
// model files from. The remote copy is the truth; the cache only saves downloads.
import { rm } from 'node:fs/promises';
import type { ArtifactCache } from './read-cache';
import { ArtifactMissingError, artifactName, verifyArtifact, type ArtifactBackend, type ArtifactKind, type ArtifactStore, type TempFile } from './types';

/** What a remote backend does; hashing, caching and single-flight reads are the wrapper's. */
export interface RemoteBlobs {
  readonly backend: Exclude<ArtifactBackend, 'fs'>;
  /** Where the blobs live, for messages (a bucket URL, a database name). */
  readonly where: string;
  init(): Promise<void>;
  upload(tmp: TempFile, kind: ArtifactKind): Promise<void>;
  /** The stored bytes as they are (unverified), or null when absent. */
  download(sha256: string, kind: ArtifactKind): Promise<Buffer | null>;
  has(sha256: string, kind: ArtifactKind): Promise<boolean>;
  delete(sha256: string, kind: ArtifactKind): Promise<void>;
  close(): Promise<void>;
}

export class RemoteArtifactStore implements ArtifactStore {
  readonly backend: Exclude<ArtifactBackend, 'fs'>;
  /** One download per artifact at a time: a model load and a download of the same file share it. */
  private readonly inflight = new Map<string, Promise<Buffer>>();

  /** `cache` null: every read goes to the remote (the backup tool, which must not disturb a server's cache). */
  constructor(
    readonly remote: RemoteBlobs,
    readonly cache: ArtifactCache | null,
  ) {
    this.backend = remote.backend;
  }

  get where(): string {
    return this.remote.where;
  }

  init(): Promise<void> {
    return this.remote.init();
  }

  async put(tmp: TempFile, kind: ArtifactKind): Promise<void> {
    await this.remote.upload(tmp, kind);
    // Stored: from here a failure to keep the local copy costs the first load a download, not the upload.
    if (this.cache) await this.cache.adopt(tmp.path, tmp.sha256, kind, tmp.size).catch((err: unknown) => this.cacheFailed(tmp.sha256, kind, err));
    await rm(tmp.path, { force: true });
  }

  get(sha256: string, kind: ArtifactKind): Promise<Buffer> {
    const name = artifactName(sha256, kind);
    let read = this.inflight.get(name);
    if (!read) {
      read = this.read(sha256, kind).finally(() => this.inflight.delete(name));
      this.inflight.set(name, read);
    }
    return read;
  }

  private async read(sha256: string, kind: ArtifactKind): Promise<Buffer> {
    // A cache that cannot be read (a full or broken disk) is passed by, not fatal: the remote has the file.
    const cached = await this.cache?.read(sha256, kind).catch((err: unknown) => {
      this.cacheFailed(sha256, kind, err);
      return null;
    });
    if (cached) return cached;
    const bytes = await this.remote.download(sha256, kind);
    if (!bytes) throw new ArtifactMissingError(`artifact ${artifactName(sha256, kind)} is missing from ${this.remote.where}`);
    await verifyArtifact(bytes, sha256, kind, this.remote.where);
    // The bytes are good: a full disk or a read-only cache folder costs the next load a download, not this one.
    if (this.cache) await this.cache.store(sha256, kind, bytes).catch((err: unknown) => this.cacheFailed(sha256, kind, err));
    return bytes;
  }

  private cacheFailed(sha256: string, kind: ArtifactKind, err: unknown): void {
    console.warn(`[modeldock] artifact cache: could not use ${this.cache?.dir} for ${artifactName(sha256, kind)}`, err);
  }

  exists(sha256: string, kind: ArtifactKind): Promise<boolean> {
    return this.remote.has(sha256, kind);
  }

  async remove(sha256: string, kind: ArtifactKind): Promise<void> {
    await this.remote.delete(sha256, kind);
    // A copy left behind is harmless: named by its hash, verified when read, evicted in its turn.
    await this.cache?.drop(sha256, kind).catch((err: unknown) => this.cacheFailed(sha256, kind, err));
  }

  close(): Promise<void> {
    return this.remote.close();
  }
}
