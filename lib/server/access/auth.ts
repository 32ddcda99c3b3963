// The one place requests are authenticated and authorised. Credentials, in order:
// - `Authorization: Bearer <key>`: an API key (or MODELDOCK_ADMIN_KEY), scopes read/predict/admin;
// - the browser session cookie of the admin account (every scope).
// State-changing requests that a browser marks as cross-site are refused (CSRF), whatever the
// credentials. Synchronous: the prediction fast path should not pay a promise for it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isPg } from '../../../db/any-db';
import { sessionByHashPg, touchKeyPg } from '../../../db/pg/queries/access';
import { accessLookups, type KeyPrincipal } from '../../../db/queries/access';
import { AppError } from '../../errors';
import { env } from '../../env';
import { runtime } from '../../runtime/runtime';
import type { Scope } from '../../schemas/access';
import { db } from '../lookups';
import { SESSION_COOKIE, readCookie } from './cookies';
import { findKey } from './key-cache';

export type { Scope };
export interface Actor {
  /** What the event log records: the key's name, the user's name, or "admin-key". */
  name: string;
  kind: 'key' | 'user' | 'env-key' | 'system';
  scopes: Scope[];
  /** Rate limiting identity and per-key override (keys only). */
  limitId?: string;
  rateLimit?: number | null;
}

/** Header access for both node's IncomingMessage and the fetch API's Request. */
export interface AuthRequest {
  method: string;
  header(name: string): string | undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_EVERY_MS = 60_000;

function unauthorized(message: string): AppError {
  return new AppError('unauthorized', message, [{ path: 'authorization', message: message.replace(/^authorization: /, '') }], {
    'www-authenticate': 'Bearer realm="modeldock"',
  });
}

function requestHost(req: AuthRequest): string | undefined {
  return (req.header('x-forwarded-host') ?? req.header('host'))?.split(',')[0].trim().toLowerCase();
}

/**
 * Cross-site request protection for every state-changing request, as Go's CrossOriginProtection
 * does it: browsers send Sec-Fetch-Site (or at least Origin) on every POST/PUT/PATCH/DELETE, so a
 * request whose Sec-Fetch-Site is not same-origin/none, or whose Origin names another host, is
 * refused; a request with neither header is not from a browser (curl, SDKs) and cannot be CSRF.
 */
export function checkOrigin(req: AuthRequest): void {
  if (SAFE.has(req.method)) return;
  const refuse = (what: string) =>
    new AppError('forbidden', `origin: cross-site request refused (${what.slice(0, 120)})`, [{ path: 'origin', message: 'cross-site request refused' }]);
  const site = req.header('sec-fetch-site');
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none') return;
    throw refuse(`Sec-Fetch-Site: ${site}`);
  }
  const origin = req.header('origin');
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = origin === 'null' ? null : new URL(origin).host.toLowerCase();
  } catch {
    host = null;
  }
  if (host === null || host !== requestHost(req)) throw refuse(`Origin: ${origin}`);
}

const ENV_KEY_DIGEST = env.MODELDOCK_ADMIN_KEY ? createHash('sha256').update(env.MODELDOCK_ADMIN_KEY).digest() : null;
const ENV_ACTOR: Actor = { name: 'admin-key', kind: 'env-key', scopes: ['read', 'predict', 'admin'], limitId: 'env', rateLimit: null };

function keyActor(token: string): Actor | Promise<Actor> {
  // The digest (compared in constant time with the admin key's, then looked up) is computed once
  // per token and cached with the lookup; any key change clears the cache (see findKey).
  const principal = findKey(token, (t) => {
    const digest = createHash('sha256').update(t).digest();
    return ENV_KEY_DIGEST && timingSafeEqual(digest, ENV_KEY_DIGEST) ? 'env' : digest.toString('hex');
  });
  return principal instanceof Promise ? principal.then(actorOf) : actorOf(principal);
}

function actorOf(principal: KeyPrincipal | 'env' | null): Actor {
  const state = runtime().access;
  if (principal === 'env') return ENV_ACTOR;
  const key = principal;
  if (!key) throw unauthorized('authorization: unknown or revoked API key');
  const now = Date.now();
  const last = Math.max(key.lastUsedAt ?? 0, state.touched.get(key.id) ?? 0);
  if (now - last > TOUCH_EVERY_MS) {
    state.touched.set(key.id, now);
    const database = db();
    // On PostgreSQL the write is not waited for: last-used is a hint, never worth a request's time.
    if (isPg(database)) touchKeyPg(database, key.id, now).catch((err: unknown) => console.error('[modeldock] could not record a key use', err));
    else accessLookups(database).touchKey(key.id, now);
  }
  return { name: key.name, kind: 'key', scopes: key.scopes, limitId: `k${key.id}`, rateLimit: key.rateLimit };
}

/** The browser session's user, or null (no cookie, unknown or expired). */
export async function sessionUser(cookieHeader: string | undefined): Promise<{ username: string } | null> {
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  if (!token) return null;
  const hash = createHash('sha256').update(token).digest('hex');
  const database = db();
  const s = isPg(database) ? await sessionByHashPg(database, hash, Date.now()) : accessLookups(database).sessionByHash(hash, Date.now());
  return s ? { username: s.username } : null;
}

/** The caller's actor: at once for a cached or SQLite key (the predict path stays synchronous), else a promise. */
export function authenticate(req: AuthRequest, scope: Scope): Actor | Promise<Actor> {
  const header = req.header('authorization');
  if (header) {
    const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
    if (!match) throw unauthorized('authorization: expected "Bearer <api key>"');
    checkOrigin(req);
    const actor = keyActor(match[1]);
    return actor instanceof Promise ? actor.then((a) => inScope(a, scope)) : inScope(actor, scope);
  }
  return sessionUser(req.header('cookie')).then((user) => {
    if (!user) throw unauthorized('authorization: an API key (Authorization: Bearer <key>) or a signed-in session is required');
    checkOrigin(req);
    return inScope({ name: user.username, kind: 'user', scopes: ['read', 'predict', 'admin'] }, scope);
  });
}

function inScope(actor: Actor, scope: Scope): Actor {
  if (!actor.scopes.includes('admin') && !actor.scopes.includes(scope)) {
    throw new AppError('forbidden', `scope: the key "${actor.name}" has ${actor.scopes.join(', ')}; this needs ${scope}`, [
      { path: 'scope', message: `needs ${scope}` },
    ]);
  }
  return actor;
}

/** Per-key token bucket for the prediction routes (RATE_LIMIT_RPS, or the key's own rate); fleet-wide on PostgreSQL (a promise when it must ask). */
export function checkRateLimit(actor: Actor): void | Promise<void> {
  if (!actor.limitId) return;
  const rate = actor.rateLimit ?? env.RATE_LIMIT_RPS;
  if (!rate) return;
  const burst = env.RATE_LIMIT_BURST || Math.max(1, Math.ceil(rate));
  const wait = runtime().access.predictLimiter.take(actor.limitId, rate, burst);
  if (wait instanceof Promise) return wait.then((w) => refuseOver(actor, rate, w));
  refuseOver(actor, rate, wait);
}

function refuseOver(actor: Actor, rate: number, wait: number): void {
  if (wait > 0) {
    const seconds = Math.max(1, Math.ceil(wait));
    throw new AppError(
      'rate_limited',
      `rate: the key "${actor.name}" is limited to ${rate} requests per second; retry in ${seconds} s`,
      [{ path: 'authorization', message: 'rate limited' }],
      { 'retry-after': String(seconds) },
    );
  }
}
