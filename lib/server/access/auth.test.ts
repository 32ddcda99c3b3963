// authenticate() against a real, migrated SQLite file: keys, scopes, revocation, sessions, origins, rate limits.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../errors';

process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'modeldock-auth-'));
process.env.MODELDOCK_ADMIN_KEY = 'env-admin-key-0123456789';
process.env.RATE_LIMIT_RPS = '0';

const auth = await import('./auth');
type Actor = import('./auth').Actor;
const keys = await import('./keys');
const accounts = await import('./accounts');
const { migrateDatabase } = await import('../../../db/migrate');
const { sqliteDatabase } = await import('../../runtime/runtime');
/** The test's own look at the database (this process's connection). */
const sqlite = () => sqliteDatabase().db.$client;

beforeAll(() => migrateDatabase(sqliteDatabase().db));

function req(headers: Record<string, string>, method = 'GET'): import('./auth').AuthRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, header: (n) => lower[n] };
}

/** A key's actor on SQLite: answered synchronously (the predict path awaits nothing); a promise fails the test. */
function authSync(...a: Parameters<typeof auth.authenticate>): Actor {
  const actor = auth.authenticate(...a);
  if (actor instanceof Promise) throw new Error('authenticate answered a key with a promise on SQLite');
  return actor;
}

/** The AppError a call throws, or its promise rejects with. */
async function refused(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a refusal');
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('expected a throw');
}

describe('API keys', () => {
  it('authenticates a key by its hash, never storing the key itself', async () => {
    const { key, api_key } = await keys.createKey({ name: 'ci', scopes: ['predict'] }, 'tester');
    expect(key).toMatch(/^mdk_[A-Za-z0-9]{40}$/);
    expect(api_key.prefix).toBe(key.slice(0, 12));
    const dump = JSON.stringify(sqlite().prepare('SELECT * FROM api_keys').all());
    expect(dump).not.toContain(key.slice(12));
    const actor = authSync(req({ authorization: `Bearer ${key}` }, 'POST'), 'predict');
    expect(actor).toMatchObject({ name: 'ci', kind: 'key', scopes: ['predict'] });
  });

  it('answers 401 (with WWW-Authenticate) without credentials, for unknown keys and malformed headers', async () => {
    const cases: Record<string, string>[] = [{}, { authorization: 'Bearer mdk_nope' }, { authorization: 'Basic abc' }, { authorization: 'Bearer' }];
    for (const h of cases) {
      // No credentials is a session look-up (asynchronous); a key is answered at once.
      const err = await refused(() => auth.authenticate(req(h), 'read'));
      expect(err.status).toBe(401);
      expect(err.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('answers 403 for the wrong scope; admin covers everything', async () => {
    const { key } = await keys.createKey({ name: 'reader', scopes: ['read'] }, 'tester');
    expect(authSync(req({ authorization: `Bearer ${key}` }), 'read').name).toBe('reader');
    const err = thrown(() => authSync(req({ authorization: `Bearer ${key}` }, 'POST'), 'predict'));
    expect(err.status).toBe(403);
    expect(err.message).toMatch(/needs predict/);
    const admin = (await keys.createKey({ name: 'ops', scopes: ['admin'] }, 'tester')).key;
    for (const scope of ['read', 'predict', 'admin'] as const) expect(authSync(req({ authorization: `Bearer ${admin}` }), scope).name).toBe('ops');
    expect(authSync(req({ authorization: 'Bearer env-admin-key-0123456789' }), 'admin').kind).toBe('env-key');
  });

  it('refuses a revoked key from the next request on, and records both events', async () => {
    const { key, api_key } = await keys.createKey({ name: 'temp', scopes: ['read'] }, 'alice');
    authSync(req({ authorization: `Bearer ${key}` }), 'read');
    await keys.revokeKeyById(api_key.id, 'bob');
    expect(thrown(() => authSync(req({ authorization: `Bearer ${key}` }), 'read')).status).toBe(401);
    const events = sqlite().prepare("SELECT kind, actor FROM events WHERE model_id IS NULL AND detail LIKE '%temp%' ORDER BY id").all();
    expect(events).toEqual([
      { kind: 'key_created', actor: 'alice' },
      { kind: 'key_revoked', actor: 'bob' },
    ]);
    // A revoked name can be reused; an active one cannot.
    expect((await keys.createKey({ name: 'temp', scopes: ['read'] }, 'alice')).api_key.name).toBe('temp');
    await expect(keys.createKey({ name: 'temp', scopes: ['read'] }, 'alice')).rejects.toMatchObject({ status: 409 });
  });

  it('sees a key revoked by another process (the keys CLI) within 50 ms, though lookups are cached', async () => {
    const { key, api_key } = await keys.createKey({ name: 'elsewhere', scopes: ['read'] }, 'tester');
    expect(authSync(req({ authorization: `Bearer ${key}` }), 'read').name).toBe('elsewhere');
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(join(process.env.DATA_DIR!, 'modeldock.sqlite'));
    other.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(Date.now(), api_key.id);
    other.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(thrown(() => authSync(req({ authorization: `Bearer ${key}` }), 'read')).status).toBe(401);
  });

  it('records when a key was last used', async () => {
    const { key, api_key } = await keys.createKey({ name: 'used', scopes: ['read'] }, 'tester');
    expect(api_key.last_used_at).toBeNull();
    authSync(req({ authorization: `Bearer ${key}` }), 'read');
    const after = (await keys.listKeyDtos()).find((k) => k.id === api_key.id)!;
    expect(Date.now() - Date.parse(after.last_used_at!)).toBeLessThan(5_000);
  });

  it('limits a key to its rate on the prediction routes, with Retry-After', async () => {
    const { key } = await keys.createKey({ name: 'slow', scopes: ['predict'], rate_limit: 2 }, 'tester');
    const actor = authSync(req({ authorization: `Bearer ${key}` }, 'POST'), 'predict');
    auth.checkRateLimit(actor);
    auth.checkRateLimit(actor);
    const err = thrown(() => auth.checkRateLimit(actor));
    expect(err.status).toBe(429);
    expect(Number(err.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another key has its own bucket; without a rate (and RATE_LIMIT_RPS=0) there is no limit.
    const other = authSync(req({ authorization: `Bearer ${(await keys.createKey({ name: 'fast', scopes: ['predict'] }, 't')).key}` }), 'predict');
    for (let i = 0; i < 100; i++) auth.checkRateLimit(other);
  });
});

describe('cross-site protection', () => {
  const key = async () => (await keys.createKey({ name: `o-${Math.random()}`, scopes: ['admin'] }, 't')).key;
  it('refuses state changes a browser marks as cross-site, whatever the credentials', async () => {
    const k = await key();
    const base = { authorization: `Bearer ${k}`, host: 'md.example:3000' };
    expect(thrown(() => authSync(req({ ...base, 'sec-fetch-site': 'cross-site' }, 'POST'), 'admin')).status).toBe(403);
    expect(thrown(() => authSync(req({ ...base, 'sec-fetch-site': 'same-site' }, 'DELETE'), 'admin')).status).toBe(403);
    expect(thrown(() => authSync(req({ ...base, origin: 'https://evil.example' }, 'PUT'), 'admin')).status).toBe(403);
    expect(thrown(() => authSync(req({ ...base, origin: 'null' }, 'PUT'), 'admin')).status).toBe(403);
    expect(authSync(req({ ...base, 'sec-fetch-site': 'same-origin' }, 'POST'), 'admin').scopes).toEqual(['admin']);
    expect(authSync(req({ ...base, origin: 'http://md.example:3000' }, 'POST'), 'admin').scopes).toEqual(['admin']);
    // Not from a browser (no Sec-Fetch-Site, no Origin): nothing to forge.
    expect(authSync(req(base, 'POST'), 'admin').scopes).toEqual(['admin']);
    // Reads are never refused for their origin.
    expect(authSync(req({ ...base, 'sec-fetch-site': 'cross-site' }), 'admin').scopes).toEqual(['admin']);
  });
});

describe('the admin account and sessions', () => {
  it('sets up once, signs in with the right password only, and signs out', async () => {
    expect(await accounts.needsSetup()).toBe(true);
    const cookie = await accounts.setupAdmin('root', 'a long password', false);
    expect(cookie).toMatch(/^modeldock_session=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    await expect(accounts.setupAdmin('other', 'another password', false)).rejects.toMatchObject({ status: 409 });
    const token = cookie.split(';')[0];
    expect(await auth.sessionUser(token)).toEqual({ username: 'root' });
    expect(await auth.authenticate(req({ cookie: token, 'sec-fetch-site': 'same-origin' }, 'POST'), 'admin')).toMatchObject({ name: 'root', kind: 'user' });
    await expect(auth.authenticate(req({ cookie: token, 'sec-fetch-site': 'cross-site' }, 'POST'), 'admin')).rejects.toMatchObject({ status: 403 });

    await expect(accounts.login('root', 'wrong password', '1.2.3.4', false)).rejects.toMatchObject({ status: 401 });
    await expect(accounts.login('nobody', 'a long password', '1.2.3.4', false)).rejects.toMatchObject({ status: 401 });
    const second = (await accounts.login('root', 'a long password', '1.2.3.4', true)).split(';');
    expect(second.map((s) => s.trim())).toContain('Secure');
    const cleared = await accounts.logout(token, false);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(await auth.sessionUser(token)).toBeNull();
    expect(await auth.sessionUser(second[0])).toEqual({ username: 'root' });
    expect(await auth.sessionUser('modeldock_session=forged')).toBeNull();
  }, 60_000);

  it('throttles repeated sign-in attempts from one address', async () => {
    const results: number[] = [];
    for (let i = 0; i < 12; i++) {
      results.push(
        await accounts.login('root', 'bad', '9.9.9.9', false).then(
          () => 200,
          (e: AppError) => e.status,
        ),
      );
    }
    expect(results.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(results.slice(10)).toEqual([429, 429]);
  }, 60_000);
});
