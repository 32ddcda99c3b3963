// The artifact store as the app calls it: uploads stream into temp files here (DATA_DIR/tmp), then
// are committed to the backend ARTIFACT_STORE chose (lib/runtime/artifacts: fs, pg or s3), which the
// runtime holds. Reads are verified against the artifact's sha256 in every backend.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { env } from '../env';
import type { ArtifactKind, TempFile } from './artifacts/types';
import { runtime } from './runtime';

export { ArtifactCorruptError, ArtifactMissingError, type ArtifactKind, type TempFile } from './artifacts/types';

export function tempDir(): string {
  return join(env.DATA_DIR, 'tmp');
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

/** Prepares the backend (folders; tables; a reachable bucket) and removes temp files a crash may have left. */
export async function initStore(): Promise<void> {
  mkdirSync(tempDir(), { recursive: true });
  for (const f of await readdir(tempDir())) await rm(join(tempDir(), f), { force: true });
  await runtime().artifacts.init();
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

/** Stores a verified temp file under its hash (moved or uploaded; idempotent for equal content). */
export function commitArtifact(tmp: TempFile, kind: ArtifactKind): Promise<void> {
  return runtime().artifacts.put(tmp, kind);
}

/** The artifact's bytes, verified by hash (ArtifactCorruptError otherwise). */
export function readArtifact(sha256: string, kind: ArtifactKind): Promise<Buffer> {
  return runtime().artifacts.get(sha256, kind);
}

export function artifactExists(sha256: string, kind: ArtifactKind): Promise<boolean> {
  return runtime().artifacts.exists(sha256, kind);
}

export function removeArtifact(sha256: string, kind: ArtifactKind): Promise<void> {
  return runtime().artifacts.remove(sha256, kind);
}
