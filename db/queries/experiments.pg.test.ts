// Split and shadow queries on a real, migrated PostgreSQL database (the suite: ./experiments.suite.ts),
// and what only PostgreSQL risks: a split's order read back from its split_set event (there is no
// rowid), and replicas changing one model's experiments at once (the model's row lock, lockModelPg).
import { describe, expect, it } from 'vitest';
import type { PgDb } from '../pg/client';
import { freshPgDb } from '../pg/test-pg';
import { freshPgReplicas } from '../pg/test-replicas';
import { insertTestVersion } from '../test-db';
import { findAlias, moveAlias } from './aliases';
import { findSplit, listShadows, listSplits, setShadows, setSplit } from './experiments';
import { experimentsSuite } from './experiments.suite';
import { insertModel } from './models';
import { allEvents } from './store-suite';
import { findVersion, updateVersion } from './versions';

experimentsSuite(freshPgDb);

async function modelWithVersions(db: PgDb, name: string, n: number) {
  const m = await insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' });
  const versions = [];
  for (let i = 0; i < n; i++) versions.push(await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64) }));
  return { modelId: m.id, versions };
}

const split = (...pairs: [number, number][]) => pairs.map(([version, weight]) => ({ version, weight }));

describe('split order on PostgreSQL', () => {
  it('reads every split back in the order it was given, through rewrites and beside other splits', async () => {
    const db = await freshPgDb();
    const a = await modelWithVersions(db, 'a', 4);
    const b = await modelWithVersions(db, 'b', 3);
    const given = [split([3, 1], [1, 5], [2, 2]), split([2, 1], [4, 1]), split([4, 7], [1, 1], [3, 2], [2, 9])];
    for (const entries of given) {
      await setSplit(db, { modelId: a.modelId, alias: 'production', entries, actor: 't' });
      // Later split_set events of other aliases and models must not reorder this one.
      await setSplit(db, { modelId: a.modelId, alias: 'staging', entries: split([1, 1], [2, 1]), actor: 't' });
      await setSplit(db, { modelId: b.modelId, alias: 'production', entries: split([3, 1], [2, 1], [1, 1]), actor: 't' });
      expect(await findSplit(db, { modelId: a.modelId, alias: 'production' })).toEqual(entries);
      const all = await listSplits(db, [a.modelId, b.modelId]);
      expect(all.get(a.modelId)).toEqual({ production: entries, staging: split([1, 1], [2, 1]) });
      expect(all.get(b.modelId)).toEqual({ production: split([3, 1], [2, 1], [1, 1]) });
    }
    // The split each rewrite replaced is recorded as it was given too.
    const sets = (await allEvents(db)).filter((e) => e.modelId === a.modelId && e.kind === 'split_set' && e.detail.alias === 'production');
    expect(sets.map((e) => e.detail.previous)).toEqual([null, given[0], given[1]]);
  });
});

describe('experiments across replicas', () => {
  it('leaves the alias on a version of its split when a split and a move of the alias race', async () => {
    const [a, b] = await freshPgReplicas(2);
    const { modelId, versions } = await modelWithVersions(a, 'm', 3);
    const [v1, , v3] = versions;
    for (let round = 0; round < 15; round++) {
      await moveAlias(a, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'reset' });
      await Promise.all([
        setSplit(a, { modelId, alias: 'production', entries: split([1, 1], [2, 1]), actor: 'canary' }),
        moveAlias(b, { modelId, alias: 'production', versionId: v3.id, versionNumber: 3, actor: 'mover' }),
      ]);
      // Either the move ended the split (alias on 3, no split) or the split came last (alias on its champion, 1).
      const weights = await findSplit(a, { modelId, alias: 'production' });
      const alias = await findAlias(a, { modelId, alias: 'production' });
      if (weights.length === 0) expect(alias?.number).toBe(3);
      else expect(weights.map((e) => e.version)).toContain(alias?.number);
    }
  });

  it('never archives a version that a racing split or shadow set takes in', async () => {
    const [a, b] = await freshPgReplicas(2);
    const {
      modelId,
      versions: [v1],
    } = await modelWithVersions(a, 'm', 3);
    await moveAlias(a, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 't' });
    const v2Now = async () => (await findVersion(a, { modelId, number: 2 }))!;
    for (let round = 0; round < 10; round++) {
      const takeIn =
        round % 2 === 0
          ? setSplit(b, { modelId, alias: 'production', entries: split([1, 1], [2, 1]), actor: 'canary' })
          : setShadows(b, { modelId, numbers: [2], actor: 'shadow', check: () => undefined });
      const [taken, archived] = await Promise.allSettled([takeIn, updateVersion(a, { version: await v2Now(), archived: true, actor: 'archiver' })]);
      expect([taken.status, archived.status].sort()).toEqual(['fulfilled', 'rejected']);
      const inSplit = (await findSplit(a, { modelId, alias: 'production' })).some((e) => e.version === 2);
      const inShadows = ((await listShadows(a, [modelId])).get(modelId) ?? []).includes(2);
      expect((await v2Now()).archivedAt !== null && (inSplit || inShadows)).toBe(false);
      // Back to the start: version 2 live and in no experiment.
      await moveAlias(a, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'reset' });
      await setShadows(a, { modelId, numbers: [], actor: 'reset', check: () => undefined });
      const v2 = await v2Now();
      if (v2.archivedAt !== null) await updateVersion(a, { version: v2, archived: false, actor: 'reset' });
    }
  });
});
