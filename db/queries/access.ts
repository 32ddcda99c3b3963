// Access queries: API keys (only their SHA-256 is stored), users and browser sessions. The
// lookups used on every request are statements prepared once per connection.
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors';
import { isPg, type AnyDb } from '../any-db';
import { isLockBusy, prepared, type Db } from '../client';
import {
  activeSessionCountPg,
  deleteSessionPg,
  findKeyByIdPg,
  findKeysPg,
  findUserPg,
  insertFirstUserPg,
  insertKeyPg,
  insertSessionPg,
  listKeysPg,
  revokeKeyPg,
} from '../pg/queries/access';
import { apiKeys, sessions, users, type ApiKeyRow, type Scope } from '../schema';
import { recordEvent } from './events';

export interface KeyPrincipal {
  id: number;
  name: string;
  scopes: Scope[];
  rateLimit: number | null;
  lastUsedAt: number | null;
}
export type UserRow = typeof users.$inferSelect;
export interface SessionPrincipal {
  userId: number;
  username: string;
  expiresAt: number;
}

export interface AccessLookups {
  keyByHash(hash: string): KeyPrincipal | undefined;
  sessionByHash(hash: string, now: number): SessionPrincipal | undefined;
  touchKey(id: number, now: number): void;
  userCount(): number;
}

/** The per-request lookups (synchronous: the prediction fast path pays no promise for them; SQLite only, PostgreSQL's are async in db/pg/queries/access.ts). */
export function accessLookups(db: Db): AccessLookups {
  return prepared(db, 'access', (sqlite): AccessLookups => {
    const key = sqlite.prepare<[string], { id: number; name: string; scopes: string; rate_limit: number | null; last_used_at: number | null }>(
      'SELECT id, name, scopes, rate_limit, last_used_at FROM api_keys WHERE hash = ? AND revoked_at IS NULL',
    );
    const session = sqlite.prepare<[string, number], { user_id: number; username: string; expires_at: number }>(
      'SELECT s.user_id, u.username, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?',
    );
    const touch = sqlite.prepare<[number, number]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
    const keyExists = sqlite.prepare<[number], number>('SELECT 1 FROM api_keys WHERE id = ?').pluck();
    // Read first: while another connection holds the write lock the update is refused at once
    // instead of sleeping the serving thread (last-used is a hint; the next use records it).
    const touchNow = sqlite.transaction((id: number, now: number) => {
      if (keyExists.get(id) !== undefined) touch.run(now, id);
    });
    const count = sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
    return {
      keyByHash(hash) {
        const row = key.get(hash);
        return row && { id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as Scope[], rateLimit: row.rate_limit, lastUsedAt: row.last_used_at };
      },
      sessionByHash(hash, now) {
        const row = session.get(hash, now);
        return row && { userId: row.user_id, username: row.username, expiresAt: row.expires_at };
      },
      touchKey(id, now) {
        try {
          touchNow(id, now);
        } catch (err) {
          if (!isLockBusy(err)) throw err;
        }
      },
      userCount() {
        return count.get()!.n;
      },
    };
  });
}

export async function insertKey(
  db: AnyDb,
  k: { name: string; prefix: string; hash: string; scopes: Scope[]; rateLimit: number | null; actor: string },
): Promise<ApiKeyRow> {
  if (isPg(db)) return insertKeyPg(db, k);
  let created: ApiKeyRow;
  try {
    created = db.transaction(
      (tx) => {
        const row = tx
          .insert(apiKeys)
          .values({ ...k, createdBy: k.actor, createdAt: Date.now() })
          .returning()
          .get();
        recordEvent(tx, {
          modelId: null,
          kind: 'key_created',
          actor: k.actor,
          detail: { key: k.name, prefix: k.prefix, scopes: k.scopes, rate_limit: k.rateLimit },
        });
        return row;
      },
      { behavior: 'immediate' },
    );
  } catch (err) {
    if (String((err as Error).message).includes('UNIQUE')) {
      throw new AppError('conflict', `name: an active key is already named "${k.name}"`, [{ path: 'name', message: 'already in use' }]);
    }
    throw err;
  }
  db.changes.bump();
  return created;
}

export async function listKeys(db: AnyDb): Promise<ApiKeyRow[]> {
  if (isPg(db)) return listKeysPg(db);
  return db
    .select()
    .from(apiKeys)
    .orderBy(sql`${apiKeys.revokedAt} IS NOT NULL`, desc(apiKeys.id))
    .all();
}

export async function findKeys(db: AnyDb, ref: string): Promise<ApiKeyRow[]> {
  if (isPg(db)) return findKeysPg(db, ref);
  const id = /^\d+$/.test(ref) ? Number(ref) : -1;
  return db
    .select()
    .from(apiKeys)
    .where(and(isNull(apiKeys.revokedAt), sql`(${apiKeys.id} = ${id} OR ${apiKeys.name} = ${ref} OR ${apiKeys.prefix} = ${ref})`))
    .all();
}

/** Revokes an active key; returns it, or undefined when there is no such active key. */
export async function revokeKey(db: AnyDb, r: { id: number; actor: string }): Promise<ApiKeyRow | undefined> {
  if (isPg(db)) return revokeKeyPg(db, r);
  const revoked = db.transaction(
    (tx) => {
      const row = tx
        .update(apiKeys)
        .set({ revokedAt: Date.now() })
        .where(and(eq(apiKeys.id, r.id), isNull(apiKeys.revokedAt)))
        .returning()
        .get();
      if (row) recordEvent(tx, { modelId: null, kind: 'key_revoked', actor: r.actor, detail: { key: row.name, prefix: row.prefix } });
      return row;
    },
    { behavior: 'immediate' },
  );
  db.changes.bump();
  return revoked;
}

export async function findKeyById(db: AnyDb, id: number): Promise<ApiKeyRow | undefined> {
  if (isPg(db)) return findKeyByIdPg(db, id);
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

/** Creates the first user; refuses (returns undefined) once any user exists. */
export async function insertFirstUser(db: AnyDb, u: { username: string; passwordHash: string; actor: string }): Promise<{ id: number } | undefined> {
  if (isPg(db)) return insertFirstUserPg(db, u);
  return db.transaction(
    (tx) => {
      const n = tx
        .select({ n: sql<number>`count(*)` })
        .from(users)
        .get()!.n;
      if (n > 0) return undefined;
      const row = tx.insert(users).values({ username: u.username, passwordHash: u.passwordHash, createdAt: Date.now() }).returning({ id: users.id }).get();
      recordEvent(tx, { modelId: null, kind: 'user_created', actor: u.actor, detail: { username: u.username, role: 'admin' } });
      return row;
    },
    { behavior: 'immediate' },
  );
}

export async function findUser(db: AnyDb, username: string): Promise<UserRow | undefined> {
  if (isPg(db)) return findUserPg(db, username);
  return db.select().from(users).where(eq(users.username, username)).get();
}

export async function insertSession(db: AnyDb, s: { tokenHash: string; userId: number; expiresAt: number }): Promise<void> {
  if (isPg(db)) return insertSessionPg(db, s);
  const now = Date.now();
  db.transaction(
    (tx) => {
      tx.delete(sessions).where(lt(sessions.expiresAt, now)).run();
      tx.insert(sessions)
        .values({ ...s, createdAt: now })
        .run();
    },
    { behavior: 'immediate' },
  );
}

export async function deleteSession(db: AnyDb, tokenHash: string): Promise<void> {
  if (isPg(db)) return deleteSessionPg(db, tokenHash);
  db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
}

export async function activeSessionCount(db: AnyDb, userId: number): Promise<number> {
  if (isPg(db)) return activeSessionCountPg(db, userId);
  return db
    .select({ n: sql<number>`count(*)` })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, Date.now())))
    .get()!.n;
}
