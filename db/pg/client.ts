// The PostgreSQL connection of a process: one node-postgres pool and its drizzle instance (schema
// db/pg/schema.ts). Like db/client.ts for SQLite, nothing outside db/ reaches the driver.
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { ChangeSignal, type ChangeSource } from '../change-signal';
import * as schema from './schema';

/** What PostgreSQL repository functions take: the drizzle instance with the dialect mark, the change signal and the partitions known to exist. */
export type PgDb = NodePgDatabase<typeof schema> & {
  $client: pg.Pool;
  readonly engine: 'pg';
  /** This process's signal until the fleet's feed (db/pg/change-feed.ts) replaces it at start. */
  changes: ChangeSource;
  /** Month partitions of the prediction log this process has made sure of (db/pg/partitions.ts). */
  readonly partitions: Set<string>;
};
/** A transaction of a PgDb (what drizzle's transaction callback receives). */
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
  // A connection the server drops (restart, failover) surfaces on the pool while idle, and on the
  // client itself while checked out between two queries (a transaction awaiting other work): with
  // no listener there, node would throw the 'error' event and end the process. The client is then
  // unusable, its next query fails (the caller's transaction fails with it) and the pool discards
  // it on release. Found by the restart test (lib/runtime/log-writer.pg.test.ts).
  pool.on('error', (err) => console.error(`postgres: idle connection lost: ${err.message}`));
  pool.on('connect', (client) => client.on('error', (err) => console.error(`postgres: connection lost: ${err.message}`)));
  // Until the fleet's change feed is attached, this process's own writes move the signal.
  const db = Object.assign(drizzle(pool, { schema }), { engine: 'pg' as const, changes: new ChangeSignal(() => 0), partitions: new Set<string>() });
  return { db, pool, url };
}

export async function closePg(handle: PgHandle): Promise<void> {
  await handle.pool.end();
}
