// Wire shapes of access: API keys, the first admin account, login. Client-safe.
import { z } from 'zod';

export const SCOPES = ['read', 'predict', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_HELP: Record<Scope, string> = {
  read: 'read models, versions, predictions and monitoring',
  predict: 'make predictions and report outcomes',
  admin: 'everything, including uploads, promotions and keys',
};

// Printable text without control characters (names show up in tables and the event log).
const label = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must not contain control characters');

export const createKeySchema = z.strictObject({
  name: label,
  scopes: z
    .array(z.enum(SCOPES, { error: 'must be read, predict or admin' }), { error: 'must be a list of scopes' })
    .min(1, 'must name at least one scope')
    .max(3),
  /** Requests per second on the prediction routes; null or absent: the server default (RATE_LIMIT_RPS). */
  rate_limit: z.number({ error: 'must be a number' }).positive('must be above 0').max(1_000_000, 'must be at most 1000000').nullable().optional(),
});
export type CreateKeyInput = z.infer<typeof createKeySchema>;

export interface ApiKeyDto {
  id: number;
  name: string;
  /** The key's first characters, to recognise it (the key itself is shown once, at creation). */
  prefix: string;
  scopes: Scope[];
  rate_limit: number | null;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** POST /api/v1/keys: the key in clear, this once. */
export interface CreatedKeyDto {
  key: string;
  api_key: ApiKeyDto;
}

export const usernameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-zA-Z0-9._@-]+$/, 'may use letters, digits and . _ @ -');
export const newPasswordSchema = z.string({ error: 'must be a string' }).min(10, 'must be at least 10 characters').max(1024, 'must be at most 1024 characters');

export const setupSchema = z.strictObject({ username: usernameSchema, password: newPasswordSchema });
export const loginSchema = z.strictObject({
  username: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64),
  password: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(1024),
});

/** GET /api/v1/session */
export interface SessionDto {
  user: { username: string } | null;
  needs_setup: boolean;
}
