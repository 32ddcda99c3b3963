// Access queries on a real, migrated SQLite file (the suite: ./access.suite.ts), and what only
// SQLite has: recording a key's use never waits for another connection's write lock.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { freshDb, freshHandle } from '../test-db';
import { accessLookups, insertKey } from './access';
import { accessSuite } from './access.suite';

accessSuite(async () => freshDb());

describe('a key use on SQLite', () => {
  it('is skipped at once while another connection holds the write lock (a hint, not worth a request), and recorded once it is free', async () => {
    const handle = freshHandle();
    const k = await insertKey(handle.db, { name: 'ci', prefix: 'mdk_aaaaaaaa', hash: 'a'.repeat(64), scopes: ['predict'], rateLimit: null, actor: 't' });
    const l = accessLookups(handle.db);
    const other = new Database(handle.path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    l.touchKey(k.id, 1_700_000_000_000);
    // The update alone would sleep in the busy handler: up to the busy timeout, 5 s.
    expect(performance.now() - started).toBeLessThan(100);
    other.exec('COMMIT');
    expect(l.keyByHash('a'.repeat(64))?.lastUsedAt).toBeNull();
    l.touchKey(k.id, 1_700_000_000_001);
    expect(l.keyByHash('a'.repeat(64))?.lastUsedAt).toBe(1_700_000_000_001);
    other.close();
  });
});
