// For unit tests: a real, migrated SQLite file in a temp folder, removed when the test finishes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { AnyDb } from './any-db';
import { closeDatabase, openDatabase, type Db, type Handle } from './client';
import { migrateDatabase } from './migrate';
import { insertVersion, type NewVersion } from './queries/versions';
import type { VersionRow } from './schema';
import type { ModelSignature } from '../inference/signature';

/** A migrated database in its own folder (the handle: its drizzle instance and its folder). */
export function freshHandle(): Handle {
  const dir = mkdtempSync(join(tmpdir(), 'modeldock-db-'));
  const handle = openDatabase(dir);
  migrateDatabase(handle.db, join(__dirname, 'migrations'));
  onTestFinished(() => {
    closeDatabase(handle);
    rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}

export function freshDb(): Db {
  return freshHandle().db;
}

export const testSignature: ModelSignature = {
  inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 2], is_tensor: true }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 1], is_tensor: true }],
  ir_version: 8,
  opsets: [{ domain: '', version: 17 }],
  producer: 'test',
};

/** A version as unit tests seed it: a 1-byte artifact with the test signature, nothing else declared; any field can be given. */
export function insertTestVersion(db: AnyDb, v: Pick<NewVersion, 'modelId' | 'sha256'> & Partial<NewVersion>): Promise<VersionRow> {
  return insertVersion(db, {
    sizeBytes: 1,
    signature: testSignature,
    featureNames: null,
    metrics: {},
    output: null,
    reference: null,
    profile: null,
    description: '',
    source: '',
    actor: 't',
    ...v,
  });
}
