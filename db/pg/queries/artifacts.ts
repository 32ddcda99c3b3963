// The SQL of the `pg` artifact store (lib/runtime/artifacts/pg-store.ts): a file is a row of
// `artifacts` listing its 1 MiB chunks in order; a chunk is a row of `artifact_chunks` under its own
// sha256, stored once however many files share it.
//
// Puts and removes are ordered by one advisory lock: a put holds it shared for its transaction, a
// remove exclusively. Without it a remove could see a chunk unreferenced (the put adding a reference
// has not committed) and delete it under the put. Puts never wait for each other; a remove (a model
// deleted) waits for the uploads in flight. A put inserts its missing chunks in hash order, so two
// puts of files sharing chunks cannot deadlock on each other's rows.
import type pg from 'pg';

export const ARTIFACT_CHUNK_BYTES = 1024 * 1024;
/** "artifact" in ASCII, as a bigint key of pg_advisory_xact_lock. */
export const ARTIFACT_LOCK = 0x6172746966616374n;

export interface ArtifactKey {
  sha256: string;
  kind: string;
}

async function transaction<T>(pool: pg.Pool, begin: string, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is discarded rather than returned to the pool.
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken);
  }
}

export interface NewArtifact extends ArtifactKey {
  sizeBytes: number;
  /** The sha256 of each chunk, in file order. */
  chunks: string[];
  /** The bytes of chunk `index` (read from the upload's temp file on demand, one at a time). */
  readChunk(index: number): Promise<Buffer>;
}

/** Stores the chunks the database lacks, then the artifact row, in one transaction; returns how many chunks were written. */
export async function insertArtifact(pool: pg.Pool, a: NewArtifact): Promise<{ chunksWritten: number }> {
  return transaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock_shared($1)', [ARTIFACT_LOCK.toString()]);
    const existing = await client.query('SELECT 1 FROM artifacts WHERE sha256 = $1 AND kind = $2', [a.sha256, a.kind]);
    if (existing.rowCount) return { chunksWritten: 0 };
    const present = await client.query<{ sha256: string }>('SELECT sha256 FROM artifact_chunks WHERE sha256 = ANY($1::text[])', [a.chunks]);
    const have = new Set(present.rows.map((r) => r.sha256));
    const firstIndex = new Map<string, number>();
    a.chunks.forEach((sha, i) => {
      if (!have.has(sha) && !firstIndex.has(sha)) firstIndex.set(sha, i);
    });
    let chunksWritten = 0;
    for (const sha of [...firstIndex.keys()].sort()) {
      const inserted = await client.query('INSERT INTO artifact_chunks (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [
        sha,
        await a.readChunk(firstIndex.get(sha)!),
      ]);
      chunksWritten += inserted.rowCount ?? 0;
    }
    await client.query(
      `INSERT INTO artifacts (sha256, kind, size_bytes, chunks, created_at) VALUES ($1, $2, $3, $4::text[], $5)
       ON CONFLICT (sha256, kind) DO NOTHING`,
      [a.sha256, a.kind, a.sizeBytes, a.chunks, Date.now()],
    );
    return { chunksWritten };
  });
}

export interface ArtifactReader {
  sizeBytes: number;
  chunks: string[];
  /** One chunk's bytes (null: the row is gone), one query per chunk: a 200 MB model never sits twice in query results. */
  chunk(sha256: string): Promise<Buffer | null>;
}

/**
 * Runs `read` on one snapshot (REPEATABLE READ): an artifact removed meanwhile still reads whole.
 * Null when there is no such artifact.
 */
export async function readStoredArtifact<T>(pool: pg.Pool, key: ArtifactKey, read: (r: ArtifactReader) => Promise<T>): Promise<T | null> {
  return transaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (client) => {
    const head = await client.query<{ size_bytes: number; chunks: string[] }>('SELECT size_bytes, chunks FROM artifacts WHERE sha256 = $1 AND kind = $2', [
      key.sha256,
      key.kind,
    ]);
    const row = head.rows[0];
    if (!row) return null;
    return read({
      sizeBytes: row.size_bytes,
      chunks: row.chunks,
      chunk: async (sha256) => {
        const r = await client.query<{ bytes: Buffer }>('SELECT bytes FROM artifact_chunks WHERE sha256 = $1', [sha256]);
        return r.rows[0]?.bytes ?? null;
      },
    });
  });
}

export async function hasArtifact(pool: pg.Pool, key: ArtifactKey): Promise<boolean> {
  const r = await pool.query('SELECT 1 FROM artifacts WHERE sha256 = $1 AND kind = $2', [key.sha256, key.kind]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Deletes the artifact row and those of its chunks no other artifact lists; returns how many
 * chunks went. The reference check scans `artifacts` (one row per stored file: thousands at most).
 */
export async function deleteArtifact(pool: pg.Pool, key: ArtifactKey): Promise<{ chunksDeleted: number }> {
  return transaction(pool, 'BEGIN', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ARTIFACT_LOCK.toString()]);
    const gone = await client.query<{ chunks: string[] }>('DELETE FROM artifacts WHERE sha256 = $1 AND kind = $2 RETURNING chunks', [key.sha256, key.kind]);
    const chunks = gone.rows[0]?.chunks;
    if (!chunks) return { chunksDeleted: 0 };
    const deleted = await client.query(
      `DELETE FROM artifact_chunks c WHERE c.sha256 = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM artifacts a WHERE c.sha256 = ANY(a.chunks))`,
      [chunks],
    );
    return { chunksDeleted: deleted.rowCount ?? 0 };
  });
}
