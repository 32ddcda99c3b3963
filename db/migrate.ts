// Applies the committed SQL migrations (db/migrations) to a database, before the server listens
// (never inside `next build`). See db/migrations/README.md for how migrations are made.
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { join } from 'node:path';
import type { Db } from './client';

export const MIGRATIONS_DIR = join(process.cwd(), 'db', 'migrations');

export function migrateDatabase(db: Db, migrationsFolder = MIGRATIONS_DIR): void {
  migrate(db, { migrationsFolder });
}
