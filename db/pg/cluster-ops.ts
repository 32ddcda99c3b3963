// Operations on a PostgreSQL server for tools (benchmarks, test harnesses), not for the app: make
// and drop a database, and the figures a benchmark reads around a run (log rows, WAL position).
import pg from 'pg';

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'modeldock-tools' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server of `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Logged requests, and the server's WAL position (for bytes written between two reads). */
export async function logFigures(url: string): Promise<{ requests: number; walLsn: string }> {
  return withClient(url, async (c) => {
    const n = (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM prediction_requests')).rows[0].n;
    const lsn = (await c.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l;
    return { requests: n, walLsn: lsn };
  });
}

export async function walBytesSince(url: string, lsn: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS d', [lsn])).rows[0].d));
}
