// The look-ups serving makes on a cache miss (servingLookups on SQLite, synchronous; its twin on
// PostgreSQL, asynchronous), one suite for both: the same rows, a split in the order it was given.
import { describe, expect, it } from 'vitest';
import { isPg, type AnyDb } from '../any-db';
import { servingLookupsPg } from '../pg/queries/serving';
import { insertTestVersion } from '../test-db';
import { moveAlias } from './aliases';
import { setShadows, setSplit } from './experiments';
import { insertModel } from './models';
import { servingLookups, type ServingLookups } from './predictions';
import type { Async } from '../../lib/flow';

function lookups(db: AnyDb): Async<ServingLookups> {
  if (isPg(db)) return servingLookupsPg(db);
  const l = servingLookups(db);
  return Object.fromEntries(
    Object.entries(l).map(([k, f]) => [k, async (...a: unknown[]) => (f as (...x: unknown[]) => unknown)(...a)]),
  ) as Async<ServingLookups>;
}

export function servingSuite(fresh: () => Promise<AnyDb>): void {
  describe('serving look-ups', () => {
    it('resolve aliases, numbers and ids to the same rows; a split in the order it was given; shadows; production', async () => {
      const db = await fresh();
      const m = await insertModel(db, { name: 'churn', task: 'binary_classification', description: '', labels: ['no', 'yes'], actor: 't' });
      const v1 = await insertTestVersion(db, { modelId: m.id, sha256: '1'.repeat(64) });
      const v2 = await insertTestVersion(db, { modelId: m.id, sha256: '2'.repeat(64), featureNames: ['a', 'b'] });
      const v3 = await insertTestVersion(db, { modelId: m.id, sha256: '3'.repeat(64) });
      await moveAlias(db, { modelId: m.id, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 't' });
      // Given as [2, 1]: the order routing hashes over, whatever the ids' order.
      await setSplit(db, {
        modelId: m.id,
        alias: 'production',
        entries: [
          { version: 2, weight: 0.25 },
          { version: 1, weight: 0.75 },
        ],
        actor: 't',
      });
      await setShadows(db, { modelId: m.id, numbers: [3], actor: 't', check: () => {} });
      const l = lookups(db);

      expect(await l.model('churn')).toEqual({ id: m.id });
      expect(await l.model('nope')).toBeUndefined();
      const byAlias = await l.byAlias('churn', 'production');
      expect(byAlias).toMatchObject({
        model_id: m.id,
        model_name: 'churn',
        task: 'binary_classification',
        version_id: v1.id,
        number: 1,
        sha256: '1'.repeat(64),
        archived_at: null,
      });
      expect(JSON.parse(byAlias!.labels!)).toEqual(['no', 'yes']);
      expect(JSON.parse(byAlias!.signature).inputs[0].name).toBe('x');
      const byNumber = await l.byNumber('churn', 2);
      expect(byNumber).toMatchObject({ version_id: v2.id, number: 2 });
      expect(JSON.parse(byNumber!.feature_names!)).toEqual(['a', 'b']);
      expect(await l.byVersionId(v3.id)).toMatchObject({ number: 3, sha256: '3'.repeat(64) });
      expect(await l.byNumber('churn', 9)).toBeUndefined();
      expect((await l.split(m.id, 'production')).map((w) => [w.version_id, w.weight])).toEqual([
        [v2.id, 0.25],
        [v1.id, 0.75],
      ]);
      expect(await l.split(m.id, 'staging')).toEqual([]);
      expect(await l.shadows(m.id)).toEqual([v3.id]);
      expect(await l.versionNumbers(m.id)).toEqual([1, 2, 3]);
      expect((await l.productionShas()).sort()).toEqual(['1'.repeat(64), '2'.repeat(64)]);
    });
  });
}
