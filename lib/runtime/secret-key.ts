// The master key of this installation and what is derived from it: AES-256-GCM encryption of
// webhook secrets and headers at rest, the HMAC key of signed export links, and the HMAC key of
// client ids in the erasure audit (a dictionary of likely ids cannot reverse it without the key). The key is
// MODELDOCK_SECRET_KEY (32 bytes, base64 or hex: set it when several replicas share a database),
// else DATA_DIR/secret.key, created on first use with mode 0600 (`npm run backup` copies it with
// the database, `npm run restore` puts it back: without it the stored secrets cannot be read).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEY_FILE } from '../../db/backup/manifest';
import { env } from '../env';

const KEY_BYTES = 32;
let cached: { source: string; key: Buffer } | null = null;

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`${where} must be ${KEY_BYTES} bytes in base64 or hex (e.g. \`openssl rand -base64 32\`), got ${key.length} bytes`);
  return key;
}

function readOrCreateKeyFile(path: string): Buffer {
  try {
    writeFileSync(path, randomBytes(KEY_BYTES).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = parseKey(readFileSync(path, 'utf8'), path);
  chmodSync(path, 0o600);
  return key;
}

/** The master key (read once per process). */
export function masterKey(): Buffer {
  const source = env.MODELDOCK_SECRET_KEY ? 'env' : join(env.DATA_DIR, SECRET_KEY_FILE);
  if (cached?.source === source) return cached.key;
  const key = env.MODELDOCK_SECRET_KEY ? parseKey(env.MODELDOCK_SECRET_KEY, 'MODELDOCK_SECRET_KEY') : readOrCreateKeyFile(source);
  cached = { source, key };
  return key;
}

/** A key for one purpose, derived from the master key (HMAC-SHA256 of the purpose's name). */
export function derivedKey(purpose: 'webhook-secrets' | 'export-links' | 'erasure'): Buffer {
  return createHmac('sha256', masterKey()).update(`modeldock:${purpose}`).digest();
}

const VERSION = 'v1';

/** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>` (base64url), a fresh 96-bit IV each time. */
export function encryptText(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derivedKey('webhook-secrets'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** The plain text of encryptText's output; throws when the key differs or the text was altered. */
export function decryptText(sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not an encrypted value of this version');
  const decipher = createDecipheriv('aes-256-gcm', derivedKey('webhook-secrets'), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
