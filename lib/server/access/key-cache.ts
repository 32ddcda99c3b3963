// What a presented API key is, cached per presented key: a lookup per request measured ~2 µs of the
// fast path. The cache (on the runtime) holds for one version of the database's change signal: a
// key created or revoked here clears it at once, by another process (the keys CLI) within 50 ms.
import { accessLookups, type KeyPrincipal } from '../../../db/queries/access';
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';

/** `digestOf` gives 'env' for the admin key, else the digest to look up. */
export function findKey(token: string, digestOf: (token: string) => string): KeyPrincipal | 'env' | null {
  const state = runtime().access;
  const database = db();
  const version = database.changes.current();
  if (version !== state.keysVersion) {
    state.keysVersion = version;
    state.keys.clear();
  }
  let key = state.keys.get(token);
  if (key === undefined) {
    const digest = digestOf(token);
    key = digest === 'env' ? 'env' : (accessLookups(database).keyByHash(digest) ?? null);
    // Bounded in count and in size: a presented token is at most a few hundred bytes here (real
    // keys are 44 characters), so made-up long tokens cannot fill memory through the cache.
    if (token.length <= 256) {
      if (state.keys.size >= 10_000) state.keys.clear();
      state.keys.set(token, key);
    }
  }
  return key;
}
