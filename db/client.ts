// One SQLite handle per process, shared on globalThis by Next's module graph and the custom server.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema>;
export interface Handle { sqlite: Database.Database; db: Db; path: string; dataDir: string }

const KEY = Symbol.for('modeldock.db');
type Holder = { [KEY]?: Handle };

export function dbPath(dataDir: string): string {
  return join(dataDir, 'modeldock.sqlite');
}

export function openDatabase(dataDir: string): Handle {
  mkdirSync(dataDir, { recursive: true });
  const path = dbPath(dataDir);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  return { sqlite, db: drizzle(sqlite, { schema }), path, dataDir };
}

/** The process-wide handle, opened on first use. */
export function getHandle(dataDir: string): Handle {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  // Called on every request: the folder is compared before any path is built.
  if (existing && existing.sqlite.open && (existing.dataDir === dataDir || existing.path === dbPath(dataDir))) return existing;
  const handle = openDatabase(dataDir);
  holder[KEY] = handle;
  return handle;
}

export function closeHandle(): void {
  const holder = globalThis as Holder;
  holder[KEY]?.sqlite.close();
  delete holder[KEY];
}
