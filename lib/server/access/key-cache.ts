// What a presented API key is, cached per presented key: a lookup per request measured ~2 µs of the
// fast path. The cache (on the runtime) holds for one version of the database's change signal: a
// key created or revoked here clears it at once, by another process (the keys CLI) within 50 ms.
import { isPg } from '../../../db/any-db';
import { keyByHashPg } from '../../../db/pg/queries/access';
import { accessLookups, type KeyPrincipal } from '../../../db/queries/access';
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';

type Found = KeyPrincipal | 'env' | null;

/** `digestOf` gives 'env' for the admin key, else the digest to look up. A promise only on a PostgreSQL miss. */
export function findKey(token: string, digestOf: (token: string) => string): Found | Promise<Found> {
  const state = runtime().access;
  const database = db();
  const version = database.changes.current();
  if (version !== state.keysVersion) {
    state.keysVersion = version;
    state.keys.clear();
  }
  const key = state.keys.get(token);
  if (key !== undefined) return key;
  const remember = (found: Found): Found => {
    // Bounded in count and in size: a presented token is at most a few hundred bytes here (real
    // keys are 44 characters), so made-up long tokens cannot fill memory through the cache. A
    // look-up that raced a key change is not kept.
    if (token.length <= 256 && state.keysVersion === version) {
      if (state.keys.size >= 10_000) state.keys.clear();
      state.keys.set(token, found);
    }
    return found;
  };
  const digest = digestOf(token);
  if (digest === 'env') return remember('env');
  if (isPg(database)) return keyByHashPg(database, digest).then((k) => remember(k ?? null));
  return remember(accessLookups(database).keyByHash(digest) ?? null);
}
