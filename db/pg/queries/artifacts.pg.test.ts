// The ordering of puts and removes in db/pg/queries/artifacts.ts, with the interleaving forced: a
// put that found a chunk present holds its transaction open while a remove of the only other file
// using that chunk runs. The remove must wait for the put (the advisory lock) and then keep the
// chunk; without the lock it deletes the chunk and the put commits a file that cannot be read.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../client';
import { migratePg } from '../migrate';
import { freshDatabase } from '../test-pg';
import { ARTIFACT_CHUNK_BYTES, deleteArtifact, insertArtifact, readStoredArtifact, type NewArtifact } from './artifacts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let db: PgHandle;
beforeAll(async () => {
  db = openPg(await freshDatabase('artifact_sql'), { max: 4 });
  await migratePg(db.pool);
});
afterAll(() => closePg(db));

function artifactOf(chunks: Buffer[], readChunk?: NewArtifact['readChunk']): NewArtifact {
  const whole = Buffer.concat(chunks);
  return {
    sha256: sha(whole),
    kind: 'onnx',
    sizeBytes: whole.length,
    chunks: chunks.map(sha),
    readChunk: readChunk ?? (async (i) => chunks[i]),
  };
}

/** Whether some session of this database waits on a lock. */
async function someoneWaits(): Promise<boolean> {
  const r = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
  return r.rows[0].n > 0;
}

describe('artifact puts and removes', () => {
  it('a remove waits for a put in flight that reuses its chunk, and keeps the chunk', async () => {
    const shared = randomBytes(ARTIFACT_CHUNK_BYTES);
    const first = artifactOf([shared, randomBytes(100)]);
    await insertArtifact(db.pool, first);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let removal: Promise<{ chunksDeleted: number }> | null = null;
    let removed = false;
    const ownChunk = randomBytes(200);
    // The put reads its one missing chunk after it has seen `shared` present: the remove starts there.
    const second = artifactOf([shared, ownChunk], async () => {
      try {
        removal = deleteArtifact(db.pool, first).finally(() => (removed = true));
        await expect.poll(async () => removed || (await someoneWaits()), { timeout: 10_000 }).toBe(true);
        expect(removed, 'the remove finished while the put was in flight').toBe(false);
        return ownChunk;
      } finally {
        release();
      }
    });
    const put = insertArtifact(db.pool, second);
    await gate;
    expect(await put).toEqual({ chunksWritten: 1 });
    // The remove ran after the put committed: it took first's own chunk and left the shared one.
    expect(await removal!).toEqual({ chunksDeleted: 1 });

    const read = await readStoredArtifact(db.pool, second, async (r) => Promise.all(r.chunks.map((c) => r.chunk(c))));
    expect(read).not.toBeNull();
    expect(Buffer.concat(read!.map((b) => b!)).equals(Buffer.concat([shared, ownChunk]))).toBe(true);
  });
});
