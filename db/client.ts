// The database connection: one SQLite handle per process (WAL, foreign keys, busy timeout,
// synchronous=NORMAL, incremental auto-vacuum for new files), its drizzle instance, the change
// signal, and the statements db/ prepares on it.
// Nothing outside db/ reaches the driver: the rest of the app holds a `Handle` and passes its `db`
// to repository functions. The handle is created once per process by lib/runtime.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeSignal, type ChangeSource } from './change-signal';
import * as schema from './schema';

/** What repository functions take: the drizzle instance, with the connection's change signal and statement cache. */
export type Db = BetterSQLite3Database<typeof schema> & {
  $client: Database.Database;
  readonly changes: ChangeSource;
  /** Prepared statement groups of this connection, by name (see `prepared`). */
  readonly statements: Map<string, unknown>;
};

export interface Handle {
  db: Db;
  path: string;
  dataDir: string;
}

export const DB_FILE = 'modeldock.sqlite';

/** How long a statement waits for a lock another connection holds before it fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Whether an error is SQLite's "another connection holds the lock" (SQLITE_BUSY or one of its
 * extended codes): the statement wrote nothing and may be tried again. A transaction that reads
 * before it writes gets it at once instead of sleeping in the busy handler: SQLite calls the handler
 * only for a connection that holds no transaction yet.
 */
export function isLockBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

export function openDatabase(dataDir: string): Handle {
  mkdirSync(dataDir, { recursive: true });
  const path = dbPath(dataDir);
  const sqlite = new Database(path);
  // A new database gives the pages that retention frees back to the disk (PRAGMA incremental_vacuum,
  // db/queries/retention.ts); the mode can only be set before the first table (else it takes a VACUUM).
  if ((sqlite.pragma('page_count', { simple: true }) as number) === 0) sqlite.pragma('auto_vacuum = INCREMENTAL');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('synchronous = NORMAL');
  const dataVersion = sqlite.prepare<[], number>('PRAGMA data_version').pluck();
  const db = Object.assign(drizzle(sqlite, { schema }), {
    changes: new ChangeSignal(() => dataVersion.get()!),
    statements: new Map<string, unknown>(),
  });
  return { db, path, dataDir };
}

export function closeDatabase(handle: Handle): void {
  if (handle.db.$client.open) handle.db.$client.close();
}

export function isOpen(handle: Handle): boolean {
  return handle.db.$client.open;
}

/**
 * A group of statements prepared once per connection (the hot paths'). Kept on the connection
 * itself, so every module graph of the process (the server's and Next's bundle) shares them.
 */
export function prepared<T>(db: Db, name: string, prepare: (sqlite: Database.Database) => T): T {
  let group = db.statements.get(name) as T | undefined;
  if (group === undefined) {
    group = prepare(db.$client);
    db.statements.set(name, group);
  }
  return group;
}
