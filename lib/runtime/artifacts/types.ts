// The contract every artifact backend keeps (fs, pg, s3): model files and JSON sidecars stored under
// the sha256 of their bytes, so a name never changes meaning and a read can prove what it got.
import { webcrypto } from 'node:crypto';
import type { ArtifactStoreName } from '../../schemas/storage';

export type ArtifactKind = 'onnx' | 'json';
export type ArtifactBackend = ArtifactStoreName;

/** A file written and hashed in the temp folder (lib/runtime/artifact-store.ts writeTemp), ready to be committed. */
export interface TempFile {
  path: string;
  sha256: string;
  size: number;
}

export interface ArtifactStore {
  readonly backend: ArtifactBackend;
  /** Where the artifacts live (a folder, a database, a bucket URL), for messages. */
  readonly where: string;
  /** Creates what the backend needs (folders, tables, a reachable bucket) before the server listens. */
  init(): Promise<void>;
  /** Stores the temp file under its hash; the temp file is consumed (moved or removed). Idempotent for equal content. */
  put(tmp: TempFile, kind: ArtifactKind): Promise<void>;
  /** The artifact's bytes, verified against its hash (ArtifactCorruptError otherwise; ArtifactMissingError when absent). */
  get(sha256: string, kind: ArtifactKind): Promise<Buffer>;
  exists(sha256: string, kind: ArtifactKind): Promise<boolean>;
  /** Removes the artifact (nothing when absent). */
  remove(sha256: string, kind: ArtifactKind): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}

export class ArtifactCorruptError extends Error {}
export class ArtifactMissingError extends Error {}

const SHA_RE = /^[0-9a-f]{64}$/;

/** `<sha256>.<kind>`: the file (or object) name of an artifact in every backend. */
export function artifactName(sha256: string, kind: ArtifactKind): string {
  if (!SHA_RE.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `${sha256}.${kind}`;
}

/**
 * WebCrypto hashes on libuv's thread pool: createHash would hold the main thread ~5 ms per 10 MB,
 * stalling every request during a model load.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** Throws ArtifactCorruptError unless `bytes` hash to `sha256`; `where` names the copy that failed. */
export async function verifyArtifact(bytes: Uint8Array, sha256: string, kind: ArtifactKind, where: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) throw new ArtifactCorruptError(`artifact ${sha256}.${kind} is corrupt in ${where} (hash ${actual})`);
}
