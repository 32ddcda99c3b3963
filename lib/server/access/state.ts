// The access singletons of this process (lookups, rate limiter, touch times), on globalThis so
// Next's module graph and the custom server's fast path share them.
import { prepareAccessLookups, type AccessLookups } from '../../../db/queries/access';
import { getHandle } from '../../../db/client';
import { env } from '../../env';
import { RateLimiter } from './rate-limit';

interface AccessState {
  lookups: AccessLookups;
  predictLimiter: RateLimiter;
  loginLimiter: RateLimiter;
  /** When each key's last_used_at was last written by this process. */
  touched: Map<number, number>;
  /** scrypt runs in flight (each holds 32 MiB). */
  hashing: number;
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
    loginLimiter: existing?.loginLimiter ?? new RateLimiter(),
    touched: new Map(),
    hashing: 0,
  };
  holder[KEY] = state;
  return state;
}
