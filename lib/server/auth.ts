// The one place requests are authenticated. Until API keys land (security issue), the API is open
// and callers are "anonymous"; MODELDOCK_ADMIN_KEY is already honoured as an admin key.
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import { env } from '../env';

export type Scope = 'read' | 'predict' | 'admin';
export interface Actor { name: string; scopes: Scope[] }

const ANONYMOUS: Actor = { name: 'anonymous', scopes: ['read', 'predict', 'admin'] };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Synchronous: the prediction fast path should not pay a promise for it. */
export function authenticate(header: string | null | undefined, scope: Scope): Actor {
  if (!header) return ANONYMOUS;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthorized', 'authorization: expected "Bearer <api key>"');
  if (env.MODELDOCK_ADMIN_KEY && sameSecret(match[1], env.MODELDOCK_ADMIN_KEY)) {
    return { name: 'admin-key', scopes: ['read', 'predict', 'admin'] };
  }
  throw new AppError('unauthorized', 'authorization: unknown API key');
  // Scope checks (403) come with API keys; every key accepted today is an admin key.
  void scope;
}
