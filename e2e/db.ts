// The specs' look into the shared server's database, on either engine: the SQLite file under
// E2E_DATA_DIR, or the PostgreSQL database of E2E_DATABASE_URL (scripts/pg/with-cluster.ts).
// Synchronous on both, so a spec reads `loggedCount(name)` the same way: PostgreSQL's queries run on
// a worker thread with the real driver (parameters bound, bigint and numeric as numbers, bytea as
// Buffer) while this thread waits on an Atomics cell.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The PostgreSQL URL of this run, when the shared server runs on PostgreSQL. */
export const E2E_PG_URL = process.env.E2E_DATABASE_URL;
export const onPostgres = E2E_PG_URL !== undefined;

/**
 * The engine's own spelling where the two differ; `?` placeholders in either (numbered for
 * PostgreSQL here: every `?` is one, so no jsonb `?` operator or `?` in a literal).
 */
export type Sql = string | { sqlite: string; pg: string };

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const WORKER = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pg);
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
const client = new pg.Client({ connectionString: workerData.url });
let broken = null;
client.on('error', (err) => { broken = err; });
const ready = client.connect();
workerData.port.on('message', async ({ seq, sql, params, cell }) => {
  let reply;
  try {
    if (broken) throw broken;
    await ready;
    const r = await client.query(sql, params);
    reply = { seq, rows: r.rows, changes: r.rowCount };
  } catch (err) {
    reply = { seq, error: String(err && err.message ? err.message : err) };
  }
  workerData.port.postMessage(reply);
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
});
`;

let peeks = 0;

/** One worker (one connection) per database peeked at. */
const pgWorkers = new Map<string, { worker: Worker; port: MessagePort }>();

function pgQuery(sql: string, params: unknown[], url = E2E_PG_URL!): { rows: Record<string, unknown>[]; changes: number } {
  let pgWorker = pgWorkers.get(url);
  if (!pgWorker) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, { eval: true, workerData: { url, port: port2, pg: require.resolve('pg') }, transferList: [port2] });
    worker.unref();
    port1.unref();
    pgWorker = { worker, port: port1 };
    pgWorkers.set(url, pgWorker);
  }
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const seq = ++peeks;
  pgWorker.port.postMessage({ seq, sql: numbered(sql), params, cell });
  if (Atomics.wait(cell, 0, 0, 30_000) === 'timed-out') {
    // Its answer may still come: a fresh worker, so no later peek reads it.
    void pgWorker.worker.terminate();
    pgWorkers.delete(url);
    throw new Error(`PostgreSQL peek timed out: ${sql}`);
  }
  let reply: { seq: number; rows: Record<string, unknown>[]; changes: number; error?: string } | undefined;
  do reply = receiveMessageOnPort(pgWorker.port)?.message as typeof reply;
  while (reply && reply.seq !== seq);
  if (!reply) throw new Error(`PostgreSQL peek got no answer: ${sql}`);
  if (reply.error !== undefined) throw new Error(`${reply.error}\n  in: ${sql}`);
  // A Buffer crosses the thread as a plain Uint8Array.
  for (const row of reply.rows)
    for (const [k, v] of Object.entries(row)) if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return reply;
}

function sqliteFile(dataDir: string): string {
  return join(dataDir, 'modeldock.sqlite');
}

function pick(sql: Sql): string {
  return typeof sql === 'string' ? sql : onPostgres ? sql.pg : sql.sqlite;
}

/** Every row a query returns, from the shared server's database (read-only on SQLite). */
export function peekAll<T = Record<string, unknown>>(sql: Sql, ...params: unknown[]): T[] {
  if (onPostgres) return pgQuery(pick(sql), params).rows as T[];
  const db = new Database(sqliteFile(process.env.E2E_DATA_DIR!), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(pick(sql)).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The first row, or undefined. */
export function peekOne<T = Record<string, unknown>>(sql: Sql, ...params: unknown[]): T | undefined {
  return peekAll<T>(sql, ...params)[0];
}

/** The first column of the first row. */
export function peekValue<T = unknown>(sql: Sql, ...params: unknown[]): T {
  const row = peekOne<Record<string, unknown>>(sql, ...params);
  return (row ? Object.values(row)[0] : undefined) as T;
}

/** A write to the shared server's database (a test that ages rows, say); returns the rows changed. */
export function poke(sql: Sql, ...params: unknown[]): number {
  if (onPostgres) return pgQuery(pick(sql), params).changes;
  const db = new Database(sqliteFile(process.env.E2E_DATA_DIR!), { fileMustExist: true });
  try {
    return db.prepare(pick(sql)).run(...params).changes;
  } finally {
    db.close();
  }
}

/**
 * A registry row changed behind the server's back (a `poke`): SQLite's server sees the file change;
 * PostgreSQL replicas cache the registry and watch the fleet's change counter, so it moves here as
 * the app's own writes move it (db/pg/change-feed.ts).
 */
export function announceChange(): void {
  if (onPostgres) pgQuery(`UPDATE fleet_state SET value = value + 1 WHERE key = 'changes' RETURNING pg_notify('modeldock_changes', value::text)`, []);
}

/** The database of a server of a spec's own on PostgreSQL: one per data folder, so a restart on the same folder finds its data. */
export function serverDatabaseUrl(dataDir: string): string {
  const url = new URL(E2E_PG_URL!);
  url.pathname = `/srv_${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
  return url.toString();
}

/**
 * The environment that points a command-line tool (keys, backup) or a server at a data folder's
 * database: the shared server's by default; on PostgreSQL another folder's is a database of its own
 * on the run's cluster, created on first use.
 */
export function databaseEnv(dataDir = process.env.E2E_DATA_DIR!): Record<string, string> {
  if (!onPostgres) return { DATA_DIR: dataDir };
  if (dataDir === process.env.E2E_DATA_DIR) return { DATA_DIR: dataDir, DATABASE_URL: E2E_PG_URL! };
  const url = serverDatabaseUrl(dataDir);
  const name = new URL(url).pathname.slice(1);
  if (pgQuery('SELECT 1 FROM pg_database WHERE datname = ?', [name]).rows.length === 0) pgQuery(`CREATE DATABASE ${name}`, []);
  return { DATA_DIR: dataDir, DATABASE_URL: url };
}

/** Every row a query returns from the database of a server of a spec's own (its data folder's). */
export function peekServer<T = Record<string, unknown>>(dataDir: string, sql: Sql, ...params: unknown[]): T[] {
  if (onPostgres) return pgQuery(pick(sql), params, serverDatabaseUrl(dataDir)).rows as T[];
  const db = new Database(sqliteFile(dataDir), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(pick(sql)).all(...params) as T[];
  } finally {
    db.close();
  }
}
