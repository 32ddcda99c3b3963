// Either database: SQLite (db/client.ts, the embedded default) or PostgreSQL (db/pg/client.ts, for
// replicas). Repository functions that both dialects serve take an AnyDb and hand PostgreSQL's to
// their twin in db/pg/queries (same name, same result); SQLite's path is unchanged.
import type { Db } from './client';
import type { PgDb } from './pg/client';

export type AnyDb = Db | PgDb;

export function isPg(db: AnyDb): db is PgDb {
  return (db as { engine?: string }).engine === 'pg';
}
