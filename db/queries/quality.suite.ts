// Refusal counts, one suite for both dialects (quality.test.ts: SQLite, quality.pg.test.ts:
// PostgreSQL): flushes add to what is stored, a deleted model's counts are skipped, and the reads
// group a model's range by reason and path (most frequent first) and by hour.
import { describe, expect, it } from 'vitest';
import { isPg, type AnyDb } from '../any-db';
import { addValidationFailuresPg } from '../pg/queries/quality';
import { insertModel } from './models';
import { addValidationFailures, refusalsByHour, refusalsByPath, type RefusalCount } from './quality';

const HOUR = 3_600_000;

/** The runtime's flush: SQLite's is synchronous, PostgreSQL's addValidationFailuresPg. */
export const addFailures = async (db: AnyDb, counts: RefusalCount[]) => (isPg(db) ? addValidationFailuresPg(db, counts) : addValidationFailures(db, counts));

export function qualitySuite(fresh: () => Promise<AnyDb>): void {
  describe('validation failures', () => {
    it('adds flushes up per model, hour, reason and path, skipping models that do not exist', async () => {
      const db = await fresh();
      const m = await insertModel(db, { name: 'churn', task: 'regression', description: '', labels: null, actor: 't' });
      const other = await insertModel(db, { name: 'other', task: 'regression', description: '', labels: null, actor: 't' });
      const h = 100 * HOUR;
      const c = (model: string, hour: number, reason: string, path: string, count: number): RefusalCount => ({ model, hour, reason, path, count });

      expect(await addFailures(db, [])).toBe(0);
      expect(
        await addFailures(db, [c('churn', h, 'missing', 'inputs.age', 3), c('churn', h, 'type', 'inputs.plan', 1), c('gone', h, 'missing', 'inputs.age', 50)]),
      ).toBe(4);
      expect(
        await addFailures(db, [
          c('churn', h, 'missing', 'inputs.age', 2),
          c('churn', h + HOUR, 'missing', 'inputs.age', 4),
          c('churn', h + HOUR, 'shape', 'inputs', 6),
          c('other', h, 'missing', 'inputs.age', 7),
        ]),
      ).toBe(19);

      expect(await refusalsByPath(db, m.id, h, h + 2 * HOUR)).toEqual([
        { reason: 'missing', path: 'inputs.age', count: 9 },
        { reason: 'shape', path: 'inputs', count: 6 },
        { reason: 'type', path: 'inputs.plan', count: 1 },
      ]);
      expect(await refusalsByPath(db, m.id, h, h + 2 * HOUR, 1)).toEqual([{ reason: 'missing', path: 'inputs.age', count: 9 }]);
      expect(await refusalsByPath(db, m.id, h + HOUR, h + 2 * HOUR)).toEqual([
        { reason: 'shape', path: 'inputs', count: 6 },
        { reason: 'missing', path: 'inputs.age', count: 4 },
      ]);
      expect((await refusalsByHour(db, m.id, h, h + 2 * HOUR)).sort((x, y) => x.hour - y.hour)).toEqual([
        { hour: h, count: 6 },
        { hour: h + HOUR, count: 10 },
      ]);
      expect(await refusalsByHour(db, m.id, h + 2 * HOUR, h + 3 * HOUR)).toEqual([]);
      expect(await refusalsByHour(db, other.id, h, h + HOUR)).toEqual([{ hour: h, count: 7 }]);
    });

    it('breaks ties by reason and path in byte order (upper case first)', async () => {
      const db = await fresh();
      const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
      await addFailures(
        db,
        ['inputs.b', 'inputs.B', 'inputs.a', 'inputs._'].map((path) => ({ model: 'm', hour: 0, reason: 'missing', path, count: 1 })),
      );
      expect((await refusalsByPath(db, m.id, 0, HOUR)).map((r) => r.path)).toEqual(['inputs.B', 'inputs._', 'inputs.a', 'inputs.b']);
    });
  });
}
