// Refusal counts on a real, migrated PostgreSQL database (the suite: ./quality.suite.ts), and what
// only PostgreSQL risks: replicas flushing counts of the same model, hour, reason and path at once,
// and a database collation that is not byte order (the test cluster's is C).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { closePg, openPg } from '../pg/client';
import { migratePg } from '../pg/migrate';
import { freshPgDb } from '../pg/test-pg';
import { freshPgReplicas } from '../pg/test-replicas';
import { insertModel } from './models';
import { refusalsByPath } from './quality';
import { addFailures, qualitySuite } from './quality.suite';

qualitySuite(freshPgDb);

describe('validation failures on PostgreSQL', () => {
  it('flushes from two replicas at once add up', async () => {
    const [a, b] = await freshPgReplicas(2);
    const m = await insertModel(a, { name: 'churn', task: 'regression', description: '', labels: null, actor: 't' });
    const paths = ['inputs.a', 'inputs.b', 'inputs.c'];
    // Each flush names the same keys, in a different order on each replica.
    const flush = (i: number) =>
      addFailures(
        i % 2 ? a : b,
        (i % 2 ? paths : [...paths].reverse()).map((path) => ({ model: 'churn', hour: 0, reason: 'missing', path, count: 1 })),
      );
    await Promise.all(Array.from({ length: 16 }, (_, i) => flush(i)));
    expect(await refusalsByPath(b, m.id, 0, 1)).toEqual(paths.map((path) => ({ reason: 'missing', path, count: 16 })));
  });

  it('breaks ties in byte order on a database whose collation is not byte order (ICU en-US: "_" first, case folded)', async () => {
    const name = `t_icu_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client(inject('pgAdminUrl'));
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    } finally {
      await admin.end();
    }
    const url = new URL(inject('pgAdminUrl'));
    url.pathname = `/${name}`;
    const handle = openPg(url.toString(), { max: 2 });
    onTestFinished(() => closePg(handle));
    await migratePg(handle.pool);
    const m = await insertModel(handle.db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
    const paths = ['inputs.b', 'inputs.B', 'inputs.a', 'inputs._'];
    await addFailures(
      handle.db,
      paths.map((path) => ({ model: 'm', hour: 0, reason: 'missing', path, count: 1 })),
    );
    const { rows } = await handle.pool.query<{ path: string }>('SELECT path FROM validation_failures ORDER BY path');
    expect(rows.map((r) => r.path)).not.toEqual(['inputs.B', 'inputs._', 'inputs.a', 'inputs.b']);
    expect((await refusalsByPath(handle.db, m.id, 0, 1)).map((r) => r.path)).toEqual(['inputs.B', 'inputs._', 'inputs.a', 'inputs.b']);
  });
});
