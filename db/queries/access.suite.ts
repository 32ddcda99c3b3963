// Access queries, one suite for both dialects (access.test.ts: SQLite, access.pg.test.ts: PostgreSQL):
// keys found by their hash until revoked, one active key per name, the first user only once,
// sessions that stop counting when they expire and are cleared by the next sign-in.
import { describe, expect, it } from 'vitest';
import { isPg, type AnyDb } from '../any-db';
import { keyByHashPg, sessionByHashPg, touchKeyPg, userCountPg } from '../pg/queries/access';
import {
  accessLookups,
  activeSessionCount,
  deleteSession,
  findKeyById,
  findKeys,
  findUser,
  insertFirstUser,
  insertKey,
  insertSession,
  listKeys,
  revokeKey,
  type KeyPrincipal,
  type SessionPrincipal,
} from './access';
import { listEvents } from './events';

/** The per-request lookups: SQLite's synchronous prepared group, PostgreSQL's async functions. */
function lookups(db: AnyDb) {
  if (isPg(db)) {
    return {
      keyByHash: (hash: string) => keyByHashPg(db, hash),
      sessionByHash: (hash: string, now: number) => sessionByHashPg(db, hash, now),
      touchKey: (id: number, now: number) => touchKeyPg(db, id, now),
      userCount: () => userCountPg(db),
    };
  }
  const l = accessLookups(db);
  return {
    keyByHash: async (hash: string): Promise<KeyPrincipal | undefined> => l.keyByHash(hash),
    sessionByHash: async (hash: string, now: number): Promise<SessionPrincipal | undefined> => l.sessionByHash(hash, now),
    touchKey: async (id: number, now: number) => l.touchKey(id, now),
    userCount: async () => l.userCount(),
  };
}

export function accessSuite(fresh: () => Promise<AnyDb>): void {
  const key = (db: AnyDb, name: string, hash: string, actor = 'alice') =>
    insertKey(db, { name, prefix: `mdk_${hash.slice(0, 8)}`, hash, scopes: ['read', 'predict'], rateLimit: 5, actor });

  describe('API keys', () => {
    it('finds an active key by its hash, with its scopes and rate, and records when it was used', async () => {
      const db = await fresh();
      const created = await key(db, 'ci', 'a'.repeat(64));
      expect(created).toMatchObject({ name: 'ci', prefix: 'mdk_aaaaaaaa', scopes: ['read', 'predict'], rateLimit: 5, createdBy: 'alice', revokedAt: null });
      const l = lookups(db);
      expect(await l.keyByHash('a'.repeat(64))).toEqual({ id: created.id, name: 'ci', scopes: ['read', 'predict'], rateLimit: 5, lastUsedAt: null });
      expect(await l.keyByHash('b'.repeat(64))).toBeUndefined();
      await l.touchKey(created.id, 1_700_000_000_000);
      expect((await l.keyByHash('a'.repeat(64)))?.lastUsedAt).toBe(1_700_000_000_000);
      expect((await findKeyById(db, created.id))?.lastUsedAt).toBe(1_700_000_000_000);
    });

    it('revokes once: the hash no longer finds it, the name is free again, both changes are events', async () => {
      const db = await fresh();
      const k = await key(db, 'temp', 'c'.repeat(64));
      await expect(key(db, 'temp', 'd'.repeat(64))).rejects.toMatchObject({ code: 'conflict', status: 409 });

      const revoked = await revokeKey(db, { id: k.id, actor: 'bob' });
      expect(revoked?.id).toBe(k.id);
      expect(revoked?.revokedAt).toEqual(expect.any(Number));
      expect(await revokeKey(db, { id: k.id, actor: 'bob' })).toBeUndefined();
      expect(await lookups(db).keyByHash('c'.repeat(64))).toBeUndefined();
      expect((await findKeyById(db, k.id))?.revokedAt).toBe(revoked?.revokedAt);

      const again = await key(db, 'temp', 'e'.repeat(64));
      expect(again.id).not.toBe(k.id);
      const events = await listEvents(db, { modelId: null, limit: 10 });
      expect(events.map((e) => [e.kind, e.actor, e.detail.key])).toEqual([
        ['key_created', 'alice', 'temp'],
        ['key_revoked', 'bob', 'temp'],
        ['key_created', 'alice', 'temp'],
      ]);
    });

    it('lists active keys first, newest first; finds active keys by id, name or prefix', async () => {
      const db = await fresh();
      const a = await key(db, 'a', '1'.repeat(64));
      const b = await key(db, 'b', '2'.repeat(64));
      const c = await key(db, 'c', '3'.repeat(64));
      await revokeKey(db, { id: c.id, actor: 'bob' });
      expect((await listKeys(db)).map((k) => k.name)).toEqual(['b', 'a', 'c']);

      expect((await findKeys(db, String(a.id))).map((k) => k.id)).toEqual([a.id]);
      expect((await findKeys(db, 'b')).map((k) => k.id)).toEqual([b.id]);
      expect((await findKeys(db, b.prefix)).map((k) => k.id)).toEqual([b.id]);
      expect(await findKeys(db, 'c')).toEqual([]);
      expect(await findKeys(db, String(c.id))).toEqual([]);
      expect(await findKeys(db, 'nothing')).toEqual([]);
    });
  });

  describe('users and sessions', () => {
    it('creates the first user only', async () => {
      const db = await fresh();
      expect(await lookups(db).userCount()).toBe(0);
      const first = await insertFirstUser(db, { username: 'root', passwordHash: 'scrypt$1', actor: 'environment' });
      expect(first).toEqual({ id: expect.any(Number) });
      expect(await insertFirstUser(db, { username: 'other', passwordHash: 'scrypt$2', actor: 'other' })).toBeUndefined();
      expect(await lookups(db).userCount()).toBe(1);
      expect(await findUser(db, 'root')).toMatchObject({ id: first!.id, username: 'root', passwordHash: 'scrypt$1' });
      expect(await findUser(db, 'other')).toBeUndefined();
      const [event] = await listEvents(db, { modelId: null, limit: 10 });
      expect(event).toMatchObject({ kind: 'user_created', actor: 'environment', detail: { username: 'root', role: 'admin' } });
    });

    it('finds a session until it expires; the next sign-in deletes expired ones; sign-out deletes one', async () => {
      const db = await fresh();
      const user = (await insertFirstUser(db, { username: 'root', passwordHash: 'h', actor: 'root' }))!;
      const now = Date.now();
      const l = lookups(db);
      await insertSession(db, { tokenHash: 'expired', userId: user.id, expiresAt: now - 1_000 });
      expect(await l.sessionByHash('expired', now)).toBeUndefined();
      // Still stored (found as of a moment before its expiry) until the next sign-in clears it.
      expect(await l.sessionByHash('expired', now - 2_000)).toMatchObject({ username: 'root' });
      expect(await activeSessionCount(db, user.id)).toBe(0);

      await insertSession(db, { tokenHash: 'live', userId: user.id, expiresAt: now + 60_000 });
      expect(await l.sessionByHash('expired', now - 2_000)).toBeUndefined();
      expect(await l.sessionByHash('live', now)).toEqual({ userId: user.id, username: 'root', expiresAt: now + 60_000 });
      expect(await l.sessionByHash('live', now + 60_000)).toBeUndefined();
      await insertSession(db, { tokenHash: 'short', userId: user.id, expiresAt: now + 30_000 });
      expect(await activeSessionCount(db, user.id)).toBe(2);

      await deleteSession(db, 'live');
      expect(await l.sessionByHash('live', now)).toBeUndefined();
      expect(await activeSessionCount(db, user.id)).toBe(1);
    });
  });
}
