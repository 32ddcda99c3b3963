// Applies the committed PostgreSQL migrations (db/pg/migrations, written by drizzle-kit) before the
// server listens. drizzle's migrator takes no lock: replicas starting together on an empty database
// would each run the first migration and all but one fail. A session-level advisory lock serialises
// them; whoever comes second finds the journal already applied and does nothing.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { join } from 'node:path';
import type pg from 'pg';

export const PG_MIGRATIONS_DIR = join(process.cwd(), 'db', 'pg', 'migrations');

/** The advisory lock key of migrations (any fixed bigint; "modeldock" in ASCII, truncated). */
export const MIGRATION_LOCK = 0x6d6f64656c646fn;

export async function migratePg(pool: pg.Pool, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    }
  } finally {
    client.release();
  }
}
