// The admin account and browser sessions: a setup step creates the first (and only) admin,
// or MODELDOCK_ADMIN_PASSWORD does at start; login checks the scrypt hash and issues a session
// whose random token lives only in an HttpOnly cookie (the table keeps its SHA-256).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isPg } from '../../../db/any-db';
import { userCountPg } from '../../../db/pg/queries/access';
import { accessLookups, deleteSession, findUser, insertFirstUser, insertSession } from '../../../db/queries/access';
import { AppError } from '../../errors';
import { env } from '../../env';
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { clearedSessionCookie, DEVICE_COOKIE, deviceCookie, readCookie, SESSION_COOKIE, sessionCookie } from './cookies';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { sha256Hex } from './secrets';

/** Two scrypt runs at a time at most (32 MiB each); more wait for a 429, never for memory. */
const MAX_HASHING = 2;

async function withHashSlot<T>(fn: () => Promise<T>): Promise<T> {
  const state = runtime().access;
  if (state.hashing >= MAX_HASHING) {
    throw new AppError('rate_limited', 'password: too many sign-ins at once; retry in a second', [], { 'retry-after': '1' });
  }
  state.hashing++;
  try {
    return await fn();
  } finally {
    state.hashing--;
  }
}

export async function needsSetup(): Promise<boolean> {
  const database = db();
  return (isPg(database) ? await userCountPg(database) : accessLookups(database).userCount()) === 0;
}

export function isSecureRequest(forwardedProto: string | undefined): boolean {
  if (env.COOKIE_SECURE === 'true') return true;
  if (env.COOKIE_SECURE === 'false') return false;
  return forwardedProto?.split(',')[0].trim().toLowerCase() === 'https';
}

async function newSession(userId: number, secure: boolean): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const ttl = env.SESSION_TTL_HOURS * 3600;
  await insertSession(db(), { tokenHash: sha256Hex(token), userId, expiresAt: Date.now() + ttl * 1000 });
  return sessionCookie(token, ttl, secure);
}

/** First start: creates the admin account and signs it in (returns the Set-Cookie value). */
export async function setupAdmin(username: string, password: string, secure: boolean): Promise<string> {
  if (!(await needsSetup())) throw new AppError('conflict', 'setup: an admin account already exists; sign in instead');
  const hash = await withHashSlot(() => hashPassword(password));
  const user = await insertFirstUser(db(), { username, passwordHash: hash, actor: username });
  if (!user) throw new AppError('conflict', 'setup: an admin account already exists; sign in instead');
  return newSession(user.id, secure);
}

/** MODELDOCK_ADMIN_PASSWORD: the account is created at start when none exists (headless installs). */
export async function ensureEnvAdmin(): Promise<void> {
  if (!env.MODELDOCK_ADMIN_PASSWORD || !(await needsSetup())) return;
  const hash = await hashPassword(env.MODELDOCK_ADMIN_PASSWORD);
  await insertFirstUser(db(), { username: env.MODELDOCK_ADMIN_USER, passwordHash: hash, actor: 'environment' });
}

/** The account's device token: keyed by its password hash, so a new password voids every device. */
function deviceToken(user: { username: string; passwordHash: string }): string {
  return createHmac('sha256', user.passwordHash).update(`device:${user.username}`).digest('base64url');
}

function validDevice(cookieHeader: string | undefined, user: { username: string; passwordHash: string } | undefined): boolean {
  const shown = readCookie(cookieHeader, DEVICE_COOKIE);
  if (!shown || !user) return false;
  const expected = Buffer.from(deviceToken(user));
  const given = Buffer.from(shown);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Signs in; returns the session's Set-Cookie value (deviceCookieFor gives the device token's). */
export async function login(username: string, password: string, client: string, secure: boolean, cookieHeader?: string): Promise<string> {
  const { loginThrottle } = runtime().access;
  const user = await findUser(db(), username.trim());
  const device = validDevice(cookieHeader, user);
  const wait = await loginThrottle.check(client, username, device);
  if (wait > 0) {
    const seconds = Math.ceil(wait);
    throw new AppError('rate_limited', `password: too many attempts; retry in ${seconds} s`, [{ path: 'password', message: 'too many attempts' }], {
      'retry-after': String(seconds),
    });
  }
  const ok = await withHashSlot(async () => verifyPassword(password, user?.passwordHash ?? (await decoyHash())));
  if (!user || !ok) {
    await loginThrottle.failed(client, username, device);
    throw new AppError('unauthorized', 'password: wrong username or password', [{ path: 'password', message: 'wrong username or password' }]);
  }
  await loginThrottle.succeeded(client, username);
  return newSession(user.id, secure);
}

/** The Set-Cookie value that marks this browser as one that signed in to the account. */
export async function deviceCookieFor(username: string, secure: boolean): Promise<string | null> {
  const user = await findUser(db(), username.trim());
  return user ? deviceCookie(deviceToken(user), secure) : null;
}

export async function logout(cookieHeader: string | undefined, secure: boolean): Promise<string> {
  const token = readCookie(cookieHeader, SESSION_COOKIE);
  if (token) await deleteSession(db(), sha256Hex(token));
  return clearedSessionCookie(secure);
}
