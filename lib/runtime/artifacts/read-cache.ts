// The local read-through cache of the remote backends (pg, s3): DATA_DIR/artifact-cache/<sha256>.<kind>,
// bounded by ARTIFACT_CACHE_MB, least recently used files evicted first. A model is loaded again after
// every restart and every eviction from the session cache: without this each load re-downloads it
// (200 MB from S3 is seconds, from PostgreSQL 1 MiB query by query). Every hit is verified by hash;
// a corrupt copy is dropped and fetched again. Files are not fsynced: a torn file after a crash
// fails its hash and is fetched again.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactCorruptError, artifactName, verifyArtifact, type ArtifactKind } from './types';

const NAME_RE = /^[0-9a-f]{64}\.(onnx|json)$/;
const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export class ArtifactCache {
  /** File name → bytes, in recency order: the first entry is the least recently used. */
  private index: Map<string, number> | null = null;
  private loading: Promise<Map<string, number>> | null = null;
  private total = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /** Bytes held now (after the first use has scanned the folder). */
  get bytes(): number {
    return this.total;
  }

  /** The verified cached bytes, or null (absent, or corrupt and dropped). */
  async read(sha256: string, kind: ArtifactKind): Promise<Buffer | null> {
    const index = await this.ready();
    const name = artifactName(sha256, kind);
    const path = join(this.dir, name);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.forget(name);
      return null;
    }
    try {
      await verifyArtifact(bytes, sha256, kind, this.dir);
    } catch (err) {
      if (!(err instanceof ArtifactCorruptError)) throw err;
      console.warn(`[modeldock] artifact cache: dropping a corrupt copy (${err.message}); fetching it again`);
      await this.drop(sha256, kind);
      return null;
    }
    if (index.has(name)) {
      index.delete(name);
      index.set(name, bytes.length);
    } else this.account(name, bytes.length);
    // The file's mtime carries the recency across restarts (atime is often mounted noatime).
    const now = new Date();
    await utimes(path, now, now).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
    return bytes;
  }

  /** Keeps a copy of bytes just fetched (already verified by the caller). */
  async store(sha256: string, kind: ArtifactKind, bytes: Buffer): Promise<void> {
    if (bytes.length > this.maxBytes) return;
    await this.ready();
    const part = join(this.dir, `.${randomUUID()}.part`);
    await writeFile(part, bytes);
    await this.place(part, artifactName(sha256, kind), bytes.length);
  }

  /** Moves a committed temp file in (a model is usually loaded right after its upload); removes it when it cannot fit. */
  async adopt(path: string, sha256: string, kind: ArtifactKind, size: number): Promise<void> {
    if (size > this.maxBytes) {
      await rm(path, { force: true });
      return;
    }
    await this.ready();
    await this.place(path, artifactName(sha256, kind), size);
  }

  async drop(sha256: string, kind: ArtifactKind): Promise<void> {
    const name = artifactName(sha256, kind);
    this.forget(name);
    await rm(join(this.dir, name), { force: true });
  }

  private async place(from: string, name: string, size: number): Promise<void> {
    await rename(from, join(this.dir, name));
    this.account(name, size);
    await this.evict(name);
  }

  private account(name: string, size: number): void {
    const index = this.index!;
    this.total += size - (index.get(name) ?? 0);
    index.delete(name);
    index.set(name, size);
  }

  private forget(name: string): void {
    const size = this.index?.get(name);
    if (size === undefined) return;
    this.total -= size;
    this.index!.delete(name);
  }

  /** Removes least recently used files until the cache fits, never `keep` (the file just added). */
  private async evict(keep: string): Promise<void> {
    const victims: string[] = [];
    for (const [name, size] of this.index!) {
      if (this.total <= this.maxBytes) break;
      if (name === keep) continue;
      victims.push(name);
      this.total -= size;
    }
    for (const name of victims) this.index!.delete(name);
    await Promise.all(victims.map((name) => rm(join(this.dir, name), { force: true })));
  }

  /** The first use scans the folder (oldest mtime first) and removes partial writes a crash left. */
  private ready(): Promise<Map<string, number>> {
    if (this.index) return Promise.resolve(this.index);
    this.loading ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const found: { name: string; size: number; mtime: number }[] = [];
      for (const name of await readdir(this.dir)) {
        if (name.endsWith('.part')) await rm(join(this.dir, name), { force: true });
        else if (NAME_RE.test(name)) {
          const s = await stat(join(this.dir, name));
          found.push({ name, size: s.size, mtime: s.mtimeMs });
        }
      }
      found.sort((a, b) => a.mtime - b.mtime);
      this.index = new Map(found.map((f) => [f.name, f.size]));
      this.total = found.reduce((n, f) => n + f.size, 0);
      // ARTIFACT_CACHE_MB may have been lowered since the files were written.
      await this.evict('');
      return this.index;
    })().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }
}
