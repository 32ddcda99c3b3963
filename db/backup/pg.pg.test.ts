// Backup and restore in PostgreSQL mode (db/backup/pg.ts): pg_dump while writes go on, the manifest's
// verify step, a restore into another database with the same counts, and the refusals.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../pg/client';
import { migratePg } from '../pg/migrate';
import { insertPredictions } from '../pg/queries/log';
import { freshDatabase } from '../pg/test-pg';
import { ulid } from '../../lib/ulid';
import { insertModel } from '../queries/models';
import { insertTestVersion } from '../test-db';
import { INPUT_CODECS } from '../schema';
import { createPgBackup, restorePgBackup } from './pg';
import { RestoreRefused } from './restore';

const dirs: string[] = [];
const handles: PgHandle[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await Promise.all(handles.map((h) => closePg(h)));
});

async function migrated(): Promise<{ url: string; h: PgHandle }> {
  const url = await freshDatabase('backup');
  const h = openPg(url, { max: 4 });
  handles.push(h);
  await migratePg(h.pool);
  return { url, h };
}

let modelId = 0;
function record(i: number, versionId: number) {
  const now = Date.now();
  return {
    id: ulid(now - i),
    modelId,
    versionId,
    alias: null,
    ts: now - i,
    rows: 2,
    inputCodec: INPUT_CODECS.f32,
    inputs: Buffer.alloc(16),
    labels: null,
    outputValues: Buffer.alloc(16),
    probabilities: null,
    classes: null,
    clientIds: null,
    latencyUs: 10,
    source: 0,
  };
}

async function seed(h: PgHandle, requests: number): Promise<number> {
  const model = await insertModel(h.db, { name: 'churn', task: 'regression', description: '', labels: null, actor: 't' });
  modelId = model.id;
  const version = await insertTestVersion(h.db, { modelId: model.id, sha256: 'a'.repeat(64) });
  await insertPredictions(
    h.pool,
    Array.from({ length: requests }, (_, i) => record(i, version.id)),
    h.db.partitions,
  );
  return version.id;
}

describe('PostgreSQL backup and restore', () => {
  it('dumps while writes go on, verifies, and restores into another database with the same counts', async () => {
    const source = await migrated();
    const versionId = await seed(source.h, 500);
    const out = mkdtempSync(join(tmpdir(), 'modeldock-pg-backup-'));
    dirs.push(out);
    // Writes go on during the dump: the manifest counts what the dump's snapshot holds.
    let writing = true;
    const writes = (async () => {
      while (writing) await insertPredictions(source.h.pool, [record(1, versionId)], source.h.db.partitions);
    })();
    const { dir, manifest } = await createPgBackup({ url: source.url, outDir: out });
    writing = false;
    await writes;
    expect(manifest.counts).toMatchObject({ models: 1, versions: 1 });
    expect(manifest.counts.prediction_requests).toBeGreaterThanOrEqual(500);
    const after = (await source.h.pool.query('SELECT count(*)::int AS n FROM prediction_requests')).rows[0].n as number;
    expect(after).toBeGreaterThan(manifest.counts.prediction_requests);

    const target = await freshDatabase('restored');
    const restored = await restorePgBackup({ backupDir: dir, url: target, force: false });
    expect(restored.counts).toEqual(manifest.counts);
    // The restored database is a working one: migrations find nothing to do, partitions and all.
    const h = openPg(target, { max: 2 });
    handles.push(h);
    await migratePg(h.pool);
    const parts = await h.pool.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'prediction_requests'::regclass");
    expect(parts.rows[0].n).toBeGreaterThan(0);

    // A second restore onto it needs --force (and no replica connected), and then replaces it.
    await h.pool.end();
    handles.pop();
    await expect(restorePgBackup({ backupDir: dir, url: target, force: false })).rejects.toThrow(/already holds Modeldock tables/);
    expect((await restorePgBackup({ backupDir: dir, url: target, force: true })).counts).toEqual(manifest.counts);
  }, 60_000);

  it('refuses a damaged dump and a target a replica is connected to', async () => {
    const source = await migrated();
    await seed(source.h, 10);
    const out = mkdtempSync(join(tmpdir(), 'modeldock-pg-backup-'));
    dirs.push(out);
    const { dir } = await createPgBackup({ url: source.url, outDir: out });

    const target = await freshDatabase('busy');
    const replica = new pg.Pool({ connectionString: target, application_name: 'modeldock', max: 1 });
    await replica.query('SELECT 1');
    await expect(restorePgBackup({ backupDir: dir, url: target, force: true })).rejects.toThrow(/Modeldock connection/);
    await replica.end();

    const dump = join(dir, 'database.dump');
    const bytes = readFileSync(dump);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(dump, bytes);
    await expect(restorePgBackup({ backupDir: dir, url: target, force: true })).rejects.toBeInstanceOf(RestoreRefused);
  }, 60_000);
});
