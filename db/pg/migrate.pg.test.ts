// Replicas starting together on an empty database migrate it once (db/pg/migrate.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS_DIR, migratePg } from './migrate';
import { freshDatabase } from './test-pg';

const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe('PostgreSQL migrations', () => {
  it('six replicas migrating an empty database at once: all succeed, each migration applied once', async () => {
    const url = await freshDatabase('migrate');
    const replicas = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: url, max: 2 }));
    pools.push(...replicas);
    await Promise.all(replicas.map((p) => migratePg(p)));
    const check = replicas[0];
    const applied = await check.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    expect(applied.rows[0].n).toBe(journal.entries.length);
    const partitioned = await check.query(`SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1`);
    expect(partitioned.rows.map((r) => r.relname)).toEqual(['prediction_requests']);
    // A later start finds nothing to do and changes nothing.
    await migratePg(replicas[1]);
    expect((await check.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')).rows[0].n).toBe(journal.entries.length);
  });
});
