// The log's inserter never sleeps the serving thread on a lock another connection holds (issue 13):
// it is refused at once, writes nothing, and the connection's busy timeout stays as it is for every other
// statement. A real SQLite file, a second connection in the same process holding the write lock.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUSY_TIMEOUT_MS, isLockBusy } from '../client';
import { freshHandle, insertTestVersion } from '../test-db';
import { logRecord } from '../test-log';
import { insertModel } from './models';
import { predictionInserter } from './predictions';

async function seeded() {
  const handle = freshHandle();
  const m = await insertModel(handle.db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
  const v = await insertTestVersion(handle.db, { modelId: m.id, sha256: 'a'.repeat(64) });
  const other = new Database(handle.path);
  return { handle, at: { modelId: m.id, versionId: v.id, ts: Date.now() }, other };
}

const logged = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM prediction_requests').get() as { n: number }).n;

describe('predictionInserter while another connection holds the write lock', () => {
  it('is refused at once with a busy error, writes nothing and leaves no transaction open', async () => {
    const { handle, at, other } = await seeded();
    const insert = predictionInserter(handle.db);
    insert([logRecord('01A', at, null)]);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    let error: unknown = null;
    try {
      insert([logRecord('01B', at, ['k1', 'k2'])]);
    } catch (err) {
      error = err;
    }
    const ms = performance.now() - started;
    other.exec('COMMIT');
    expect(isLockBusy(error), String(error)).toBe(true);
    // The connection's busy timeout would have slept 1, 2, 5, 10 … ms, up to 5 s.
    expect(ms).toBeLessThan(50);
    expect(handle.db.$client.inTransaction).toBe(false);
    expect(logged(other)).toBe(1);
    expect((other.prepare('SELECT count(*) AS n FROM prediction_keys').get() as { n: number }).n).toBe(0);
    // Once the lock is free the same records commit.
    insert([logRecord('01B', at, ['k1', 'k2'])]);
    expect(logged(other)).toBe(2);
    other.close();
  });

  it('leaves the busy timeout of the connection as it is: other statements on it still wait for a lock', async () => {
    const { handle, at, other } = await seeded();
    const insert = predictionInserter(handle.db);
    other.exec('BEGIN IMMEDIATE');
    expect(() => insert([logRecord('01C', at, null)])).toThrow();
    other.exec('COMMIT');
    insert([logRecord('01D', at, null)]);
    expect(handle.db.$client.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    other.close();
  });

  it('knows SQLite busy codes from other errors', () => {
    expect(isLockBusy(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' }))).toBe(true);
    expect(isLockBusy(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe(true);
    expect(isLockBusy(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }))).toBe(false);
    expect(isLockBusy(new Error('SQLITE_BUSY'))).toBe(false);
    expect(isLockBusy(null)).toBe(false);
  });
});
