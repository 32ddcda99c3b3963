// API keys: `mdk_` + 40 base62 characters (238 bits), shown once; the database keeps a SHA-256
// and the first 12 characters as a recognisable prefix.
import { findKeyById, findKeys, insertKey, listKeys, revokeKey } from '../../../db/queries/access';
import type { ApiKeyRow } from '../../../db/schema';
import { AppError, notFound } from '../../errors';
import type { ApiKeyDto, CreateKeyInput, CreatedKeyDto } from '../../schemas/access';
import { runtime } from '../../runtime/runtime';
import { db } from '../lookups';
import { randomBase62, sha256Hex } from './secrets';

export const KEY_PREFIX = 'mdk_';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toKeyDto(k: ApiKeyRow): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    rate_limit: k.rateLimit,
    created_at: iso(k.createdAt)!,
    created_by: k.createdBy,
    last_used_at: iso(k.lastUsedAt),
    revoked_at: iso(k.revokedAt),
  };
}

export async function createKey(input: CreateKeyInput, actor: string): Promise<CreatedKeyDto> {
  const key = KEY_PREFIX + randomBase62(40);
  const scopes = [...new Set(input.scopes)];
  const row = await insertKey(db(), { name: input.name, prefix: key.slice(0, 12), hash: sha256Hex(key), scopes, rateLimit: input.rate_limit ?? null, actor });
  return { key, api_key: toKeyDto(row) };
}

export async function listKeyDtos(): Promise<ApiKeyDto[]> {
  return (await listKeys(db())).map(toKeyDto);
}

export async function revokeKeyById(id: number, actor: string): Promise<ApiKeyDto> {
  const row = await revokeKey(db(), { id, actor });
  if (!row) {
    const existing = await findKeyById(db(), id);
    if (!existing) throw notFound('id', `no API key ${id}`);
    return toKeyDto(existing);
  }
  await runtime().access.predictLimiter.forget(`k${id}`);
  return toKeyDto(row);
}

/** The command line names a key by id, name or prefix; it must match exactly one active key. */
export async function revokeKeyByRef(ref: string, actor: string): Promise<ApiKeyDto> {
  const found = await findKeys(db(), ref);
  if (found.length === 0) throw new AppError('not_found', `no active key with id, name or prefix "${ref}"`);
  if (found.length > 1) throw new AppError('conflict', `"${ref}" matches ${found.length} keys; use the id`);
  return revokeKeyById(found[0].id, actor);
}
