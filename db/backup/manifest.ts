// The manifest of a backup folder (manifest.json): what it holds and the hash of every file, so a
// restore can prove the folder is complete and intact before it touches a data folder.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { ARTIFACT_STORES } from '../../lib/schemas/storage';
import { DB_FILE } from '../client';

export const MANIFEST_FILE = 'manifest.json';
/** PostgreSQL mode's database file: pg_dump's custom format (db/backup/pg.ts). */
export const PG_DUMP_FILE = 'database.dump';
/** The installation's master key in DATA_DIR (lib/runtime/secret-key.ts): webhook secrets are encrypted with it. */
export const SECRET_KEY_FILE = 'secret.key';
export { DB_FILE };

const fileEntry = z.object({
  file: z.string().regex(/^[0-9a-f]{64}\.(onnx|json)$/),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.literal('modeldock-backup'),
  version: z.literal(1),
  created_at: z.string(),
  duration_ms: z.number(),
  source_data_dir: z.string(),
  database: z.object({ file: z.literal(DB_FILE), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/), integrity: z.literal('ok') }),
  counts: z.record(z.string(), z.number().int().min(0)),
  artifacts: z.array(fileEntry.extend({ linked: z.boolean() })),
  /** Where the server kept the artifacts copied here; absent in backups made before the store was pluggable (all fs). */
  artifact_store: z.enum(ARTIFACT_STORES).optional(),
  /** DATA_DIR/secret.key when the folder has one (absent: MODELDOCK_SECRET_KEY holds the key, or no secret was ever stored). */
  secret_key: z.object({ file: z.literal(SECRET_KEY_FILE), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** A PostgreSQL backup's manifest: the dump instead of the SQLite file; model files are in it (ARTIFACT_STORE=pg). */
export const pgManifestSchema = z.object({
  format: z.literal('modeldock-backup'),
  version: z.literal(1),
  engine: z.literal('postgresql'),
  created_at: z.string(),
  duration_ms: z.number(),
  source_database: z.string(),
  database: z.object({ file: z.literal(PG_DUMP_FILE), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/), integrity: z.literal('ok') }),
  counts: z.record(z.string(), z.number().int().min(0)),
});
export type PgBackupManifest = z.infer<typeof pgManifestSchema>;

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
