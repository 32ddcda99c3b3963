// The access singletons of this process (lookups, rate limiter, touch times), on globalThis so
// Next's module graph and the custom server's fast path share them.
import { prepareAccessLookups, type AccessLookups, type KeyPrincipal } from '../../../db/queries/access';
import { getHandle } from '../../../db/client';
import { env } from '../../env';
import { LoginThrottle } from '../../runtime/login-throttle';
import { RateLimiter } from '../../runtime/rate-limit';

interface AccessState {
  lookups: AccessLookups;
  predictLimiter: RateLimiter;
  loginThrottle: LoginThrottle;
  /** When each key's last_used_at was last written by this process. */
  touched: Map<number, number>;
  /** scrypt runs in flight (each holds 32 MiB). */
  hashing: number;
  /** Presented key → its active key, 'env' (MODELDOCK_ADMIN_KEY) or null (unknown or revoked), until any key changes here or elsewhere. */
  keys: Map<string, KeyPrincipal | 'env' | null>;
  keysCheckedAt: number;
  keysDataVersion: number;
}

const KEY = Symbol.for('modeldock.access');
type Holder = { [KEY]?: AccessState };

export function access(): AccessState {
  const holder = globalThis as Holder;
  const { sqlite } = getHandle(env.DATA_DIR);
  const existing = holder[KEY];
  // A reopened database (tests, restore) needs statements on the new handle.
  if (existing && existing.lookups.handle === sqlite) return existing;
  const state: AccessState = {
    lookups: prepareAccessLookups(sqlite),
    predictLimiter: existing?.predictLimiter ?? new RateLimiter(),
    loginThrottle: existing?.loginThrottle ?? new LoginThrottle(),
    touched: new Map(),
    hashing: 0,
    keys: new Map(),
    keysCheckedAt: 0,
    keysDataVersion: -1,
  };
  holder[KEY] = state;
  return state;
}

/**
 * What a presented key is: `digestOf` gives 'env' for the admin key, else the digest to look up.
 * Answers are cached per presented key: this process's key changes clear the cache at once
 * (forgetKeys), another process's (the keys CLI) within 50 ms, through SQLite's data_version.
 */
export function findKey(token: string, digestOf: (token: string) => string): KeyPrincipal | 'env' | null {
  const state = access();
  const now = Date.now();
  if (now - state.keysCheckedAt > 50) {
    state.keysCheckedAt = now;
    const v = state.lookups.dataVersion();
    if (v !== state.keysDataVersion) {
      state.keysDataVersion = v;
      state.keys.clear();
    }
  }
  let key = state.keys.get(token);
  if (key === undefined) {
    const digest = digestOf(token);
    key = digest === 'env' ? 'env' : state.lookups.keyByHash(digest) ?? null;
    // Bounded in count and in size: a presented token is at most a few hundred bytes here (real
    // keys are 44 characters), so made-up long tokens cannot fill memory through the cache.
    if (token.length <= 256) {
      if (state.keys.size >= 10_000) state.keys.clear();
      state.keys.set(token, key);
    }
  }
  return key;
}

export function forgetKeys(): void {
  access().keys.clear();
}
