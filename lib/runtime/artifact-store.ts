// Content-addressed artifact store under DATA_DIR/artifacts: <sha256>.<ext>, written to a temp
// file, fsynced and renamed into place, verified by hash when read back.
import { createHash, randomUUID, webcrypto } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { env } from '../env';

export type ArtifactKind = 'onnx' | 'json';
const SHA_RE = /^[0-9a-f]{64}$/;

export function artifactDir(): string {
  return join(env.DATA_DIR, 'artifacts');
}
export function tempDir(): string {
  return join(env.DATA_DIR, 'tmp');
}
export function artifactPath(sha256: string, kind: ArtifactKind): string {
  if (!SHA_RE.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return join(artifactDir(), `${sha256}.${kind}`);
}

export interface TempFile {
  path: string;
  sha256: string;
  size: number;
}

/** A file part of an upload, streamed to a temp file (see lib/http/multipart.ts). */
export interface UploadedFile extends TempFile {
  filename: string;
  mimeType: string;
}

/** An upload's parts: text fields, and files already in the store's temp folder. */
export interface Upload {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

/** What an upload may hold, for the edge that reads it. */
export interface UploadLimits {
  fileFields: string[];
  textFields: string[];
  maxFileBytes: number;
  maxFieldBytes: number;
}

/** Removes an upload's temp files (those committed into the store were moved away already). */
export async function discardFiles(files: Record<string, UploadedFile>): Promise<void> {
  await Promise.all(Object.values(files).map((f) => rm(f.path, { force: true })));
}

/** Creates the store's folders; removes temp files a crash may have left. */
export async function prepareStore(): Promise<void> {
  mkdirSync(artifactDir(), { recursive: true });
  mkdirSync(tempDir(), { recursive: true });
  for (const f of await readdir(tempDir())) await rm(join(tempDir(), f), { force: true });
}

/** Streams chunks to a new temp file while hashing; `onChunk` may throw to abort (size limits). */
export async function writeTemp(chunks: AsyncIterable<Uint8Array>, onChunk?: (size: number) => void): Promise<TempFile> {
  mkdirSync(tempDir(), { recursive: true });
  const path = join(tempDir(), `${randomUUID()}.part`);
  const fh = await open(path, 'wx');
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      onChunk?.(size);
      hash.update(chunk);
      await fh.write(chunk);
    }
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(path, { force: true });
    throw err;
  }
  await fh.close();
  return { path, sha256: hash.digest('hex'), size };
}

export async function writeTempBytes(bytes: Uint8Array): Promise<TempFile> {
  return writeTemp(
    (async function* () {
      yield bytes;
    })(),
  );
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Moves a verified temp file into the store under its hash (idempotent for equal content). */
export async function commitArtifact(tmp: TempFile, kind: ArtifactKind): Promise<string> {
  const dest = artifactPath(tmp.sha256, kind);
  mkdirSync(artifactDir(), { recursive: true });
  await rename(tmp.path, dest);
  await syncDir(artifactDir());
  return dest;
}

export class ArtifactCorruptError extends Error {}

/**
 * Reads an artifact and checks it still hashes to its name. WebCrypto hashes on libuv's thread pool:
 * createHash would hold the main thread ~5 ms per 10 MB, stalling every request during a model load.
 */
export async function readArtifact(sha256: string, kind: ArtifactKind): Promise<Buffer> {
  const bytes = await readFile(artifactPath(sha256, kind));
  const actual = Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
  if (actual !== sha256) throw new ArtifactCorruptError(`artifact ${sha256}.${kind} is corrupt (hash ${actual})`);
  return bytes;
}

export async function artifactExists(sha256: string, kind: ArtifactKind): Promise<boolean> {
  return stat(artifactPath(sha256, kind)).then(
    () => true,
    () => false,
  );
}

export async function removeArtifact(sha256: string, kind: ArtifactKind): Promise<void> {
  await rm(artifactPath(sha256, kind), { force: true });
}

/**
 * Hashes an upload in progress holds, so a concurrent cleanup never removes a file about to be
 * referenced. One set per process (on the runtime): an upload and a model deletion may run in
 * either module graph.
 */
export class ArtifactPins {
  private readonly pinned = new Map<string, number>();

  pin(sha256: string): () => void {
    this.pinned.set(sha256, (this.pinned.get(sha256) ?? 0) + 1);
    return () => {
      const n = (this.pinned.get(sha256) ?? 1) - 1;
      if (n <= 0) this.pinned.delete(sha256);
      else this.pinned.set(sha256, n);
    };
  }

  isPinned(sha256: string): boolean {
    return this.pinned.has(sha256);
  }
}
