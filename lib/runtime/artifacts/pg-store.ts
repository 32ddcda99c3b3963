// ARTIFACT_STORE=pg: artifacts in PostgreSQL as content-addressed 1 MiB chunks (SQL in
// db/pg/queries/artifacts.ts), read through the local cache (remote-store.ts). Upload and download
// move one chunk at a time: a 200 MB model costs its own size in memory, not twice that.
import { open } from 'node:fs/promises';
import { closePg, type PgHandle } from '../../../db/pg/client';
import { migratePg } from '../../../db/pg/migrate';
import { ARTIFACT_CHUNK_BYTES, deleteArtifact, hasArtifact, insertArtifact, readStoredArtifact } from '../../../db/pg/queries/artifacts';
import type { RemoteBlobs } from './remote-store';
import { ArtifactCorruptError, artifactName, sha256Hex, type ArtifactKind, type TempFile } from './types';

/** The row key, once artifactName has refused anything but a sha256. */
function key(sha256: string, kind: ArtifactKind) {
  artifactName(sha256, kind);
  return { sha256, kind };
}

export class PgBlobs implements RemoteBlobs {
  readonly backend = 'pg';
  readonly where: string;

  /** `owned`: the store opened the handle and closes it (false: the runtime's, which closes it itself). */
  constructor(
    readonly handle: PgHandle,
    private readonly opts: { owned: boolean } = { owned: true },
  ) {
    const url = new URL(handle.url);
    this.where = `PostgreSQL ${url.host}${url.pathname}`;
  }

  /** The tables come with the PostgreSQL schema's migrations (idempotent, under a lock); the runtime's shared handle is migrated already. */
  async init(): Promise<void> {
    if (this.opts.owned) await migratePg(this.handle.pool);
  }

  async upload(tmp: TempFile, kind: ArtifactKind): Promise<void> {
    const fh = await open(tmp.path, 'r');
    try {
      const readChunk = async (index: number) => {
        const start = index * ARTIFACT_CHUNK_BYTES;
        const buf = Buffer.allocUnsafe(Math.min(ARTIFACT_CHUNK_BYTES, tmp.size - start));
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        if (bytesRead !== buf.length) throw new Error(`${tmp.path} is shorter than the ${tmp.size} bytes it was written with`);
        return buf;
      };
      // The chunk list first (each hashed off the main thread), so the rows go in hash order.
      const chunks: string[] = [];
      for (let i = 0; i * ARTIFACT_CHUNK_BYTES < tmp.size; i++) chunks.push(await sha256Hex(await readChunk(i)));
      await insertArtifact(this.handle.pool, { sha256: tmp.sha256, kind, sizeBytes: tmp.size, chunks, readChunk });
    } finally {
      await fh.close();
    }
  }

  download(sha256: string, kind: ArtifactKind): Promise<Buffer | null> {
    const name = artifactName(sha256, kind);
    return readStoredArtifact(this.handle.pool, key(sha256, kind), async (a) => {
      const out = Buffer.allocUnsafe(a.sizeBytes);
      let offset = 0;
      for (const [i, chunk] of a.chunks.entries()) {
        const bytes = await a.chunk(chunk);
        if (!bytes) throw new ArtifactCorruptError(`artifact ${name} is corrupt in ${this.where}: its chunk ${i} (${chunk}) is missing`);
        if (offset + bytes.length > a.sizeBytes)
          throw new ArtifactCorruptError(`artifact ${name} is corrupt in ${this.where}: its chunks exceed ${a.sizeBytes} bytes`);
        bytes.copy(out, offset);
        offset += bytes.length;
      }
      if (offset !== a.sizeBytes) throw new ArtifactCorruptError(`artifact ${name} is corrupt in ${this.where}: ${offset} of ${a.sizeBytes} bytes`);
      return out;
    });
  }

  has(sha256: string, kind: ArtifactKind): Promise<boolean> {
    return hasArtifact(this.handle.pool, key(sha256, kind));
  }

  async delete(sha256: string, kind: ArtifactKind): Promise<void> {
    await deleteArtifact(this.handle.pool, key(sha256, kind));
  }

  async close(): Promise<void> {
    if (this.opts.owned) await closePg(this.handle);
  }
}
