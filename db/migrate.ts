// Applies the committed SQL migrations (db/migrations) to the database under DATA_DIR.
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { join } from 'node:path';
import { getHandle } from './client';

export const MIGRATIONS_DIR = join(process.cwd(), 'db', 'migrations');

export function migrateDatabase(dataDir: string): void {
  const { db } = getHandle(dataDir);
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}
