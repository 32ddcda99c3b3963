// The PostgreSQL connection of a process: one node-postgres pool and its drizzle instance (schema
// db/pg/schema.ts). Like db/client.ts for SQLite, nothing outside db/ reaches the driver.
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** The handle inside `db.transaction(async (tx) => …)`. */
export type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

export interface PgHandle {
  db: PgDb;
  pool: pg.Pool;
  url: string;
}

// bigint (int8) columns hold ms times and counts, all below 2^53: read them as numbers, not strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function openPg(url: string, { max = 10 }: { max?: number } = {}): PgHandle {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'modeldock' });
  // A connection the server drops (restart, failover) surfaces on the pool: log it, never crash.
  pool.on('error', (err) => console.error(`postgres: idle connection lost: ${err.message}`));
  const db = drizzle(pool, { schema });
  return { db, pool, url };
}

export async function closePg(handle: PgHandle): Promise<void> {
  await handle.pool.end();
}
