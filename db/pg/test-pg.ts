// For *.pg.test.ts: a new database on the suite's throwaway cluster (scripts/pg/vitest-setup.ts),
// empty or migrated. Store suites (db/queries/*.suite.ts) run on both dialects: *.test.ts hands them
// SQLite's freshDb, *.pg.test.ts this file's freshPgDb.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import { closePg, openPg, type PgDb } from './client';
import { migratePg } from './migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/** Creates a database of its own for the calling test file and returns its URL. */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const admin = inject('pgAdminUrl');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated PostgreSQL database of its own (the twin of db/test-db.ts's freshDb), closed when the test finishes. */
export async function freshPgDb(): Promise<PgDb> {
  const handle = openPg(await freshDatabase(), { max: 4 });
  await migratePg(handle.pool);
  onTestFinished(() => closePg(handle));
  return handle.db;
}
