// Access queries on PostgreSQL (twins of db/queries/access.ts: same arguments, same results), and
// the per-request lookups as async functions: SQLite's (accessLookups) are a synchronous prepared
// group the fast path calls, which a PostgreSQL process cannot offer.
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { AppError } from '../../../lib/errors';
import type { KeyPrincipal, SessionPrincipal } from '../../queries/access';
import type { ApiKeyRow, Scope } from '../../schema';
import { bumpFleetChanges } from '../changes';
import type { PgDb } from '../client';
import { apiKeys, sessions, users } from '../schema';
import { isUniqueViolationPg } from './models';
import { recordEventPg } from './events';

/** The active key with this SHA-256 (hex), as a request presents it. */
export async function keyByHashPg(db: PgDb, hash: string): Promise<KeyPrincipal | undefined> {
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, rateLimit: apiKeys.rateLimit, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
  return row;
}

/** The unexpired session with this token hash, and its user. */
export async function sessionByHashPg(db: PgDb, hash: string, now: number): Promise<SessionPrincipal | undefined> {
  const [row] = await db
    .select({ userId: sessions.userId, username: users.username, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, now)));
  return row;
}

export async function touchKeyPg(db: PgDb, id: number, now: number): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

export async function userCountPg(db: PgDb): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(users);
  return row.n;
}

export async function insertKeyPg(
  db: PgDb,
  k: { name: string; prefix: string; hash: string; scopes: Scope[]; rateLimit: number | null; actor: string },
): Promise<ApiKeyRow> {
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(apiKeys)
        .values({ ...k, createdBy: k.actor, createdAt: Date.now() })
        .returning();
      await recordEventPg(tx, {
        modelId: null,
        kind: 'key_created',
        actor: k.actor,
        detail: { key: k.name, prefix: k.prefix, scopes: k.scopes, rate_limit: k.rateLimit },
      });
      await bumpFleetChanges(tx, db);
      return row;
    });
  } catch (err) {
    if (isUniqueViolationPg(err)) {
      throw new AppError('conflict', `name: an active key is already named "${k.name}"`, [{ path: 'name', message: 'already in use' }]);
    }
    throw err;
  }
}

export async function listKeysPg(db: PgDb): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .orderBy(sql`${apiKeys.revokedAt} IS NOT NULL`, desc(apiKeys.id));
}

export async function findKeysPg(db: PgDb, ref: string): Promise<ApiKeyRow[]> {
  const id = /^\d+$/.test(ref) ? Number(ref) : -1;
  return db
    .select()
    .from(apiKeys)
    .where(and(isNull(apiKeys.revokedAt), or(eq(apiKeys.id, id), eq(apiKeys.name, ref), eq(apiKeys.prefix, ref))));
}

export async function revokeKeyPg(db: PgDb, r: { id: number; actor: string }): Promise<ApiKeyRow | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiKeys.id, r.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (row) await recordEventPg(tx, { modelId: null, kind: 'key_revoked', actor: r.actor, detail: { key: row.name, prefix: row.prefix } });
    await bumpFleetChanges(tx, db);
    return row;
  });
}

export async function findKeyByIdPg(db: PgDb, id: number): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row;
}

export async function insertFirstUserPg(db: PgDb, u: { username: string; passwordHash: string; actor: string }): Promise<{ id: number } | undefined> {
  return db.transaction(async (tx) => {
    // Count-then-insert must be exclusive (SQLite's IMMEDIATE transaction): under READ COMMITTED two
    // setups on two replicas would both count no user and both insert. The lock lets reads through.
    await tx.execute(sql`LOCK TABLE users IN EXCLUSIVE MODE`);
    const [{ n }] = await tx.select({ n: sql<number>`count(*)` }).from(users);
    if (n > 0) return undefined;
    const [row] = await tx.insert(users).values({ username: u.username, passwordHash: u.passwordHash, createdAt: Date.now() }).returning({ id: users.id });
    await recordEventPg(tx, { modelId: null, kind: 'user_created', actor: u.actor, detail: { username: u.username, role: 'admin' } });
    return row;
  });
}

export async function findUserPg(db: PgDb, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function insertSessionPg(db: PgDb, s: { tokenHash: string; userId: number; expiresAt: number }): Promise<void> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expiresAt, now));
    await tx.insert(sessions).values({ ...s, createdAt: now });
  });
}

export async function deleteSessionPg(db: PgDb, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function activeSessionCountPg(db: PgDb, userId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, Date.now())));
  return row.n;
}
