// Alias queries on a real, migrated PostgreSQL database (the suite: ./aliases.suite.ts), and what
// only PostgreSQL risks: replicas moving one model's aliases at once. SQLite's IMMEDIATE transaction
// serialises them; here the model's row lock (lockModelPg) must.
import { describe, expect, it } from 'vitest';
import type { PgDb } from '../pg/client';
import { freshPgDb } from '../pg/test-pg';
import { freshPgReplicas } from '../pg/test-replicas';
import { insertTestVersion } from '../test-db';
import { findAlias, moveAlias } from './aliases';
import { aliasesSuite } from './aliases.suite';
import { listAliasMoves } from './events';
import { insertModel } from './models';
import { findVersion, updateVersion } from './versions';

aliasesSuite(freshPgDb);

async function modelWithVersions(db: PgDb, n: number) {
  const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 'tester' });
  const versions = [];
  for (let i = 0; i < n; i++) versions.push(await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64) }));
  return { modelId: m.id, versions };
}

describe('moveAlias across replicas', () => {
  it('records every move from where the alias pointed when it moved, under 24 concurrent moves from 3 replicas', async () => {
    const dbs = await freshPgReplicas(3);
    const { modelId, versions } = await modelWithVersions(dbs[0], 4);
    // Each replica walks the versions from its own start, so consecutive moves mostly change the target.
    await Promise.all(
      dbs.map(async (db, r) => {
        for (let i = 0; i < 8; i++) {
          const v = versions[(r + i) % versions.length];
          await moveAlias(db, { modelId, alias: 'production', versionId: v.id, versionNumber: v.number, actor: `replica${r}` });
        }
      }),
    );
    const moves = (await listAliasMoves(dbs[0], { modelId, alias: 'production', limit: 100 })).reverse();
    expect(moves.length).toBeGreaterThan(1);
    expect(moves[0].detail.from).toBeNull();
    // A move that read a stale alias would record a `from` other than the previous move's `to`.
    for (let i = 1; i < moves.length; i++) expect(moves[i].detail.from).toBe(moves[i - 1].detail.to);
    expect((await findAlias(dbs[0], { modelId, alias: 'production' }))?.number).toBe(moves.at(-1)!.detail.to);
  });

  it('never leaves an alias on an archived version when a move and an archive of its target race', async () => {
    const [a, b] = await freshPgReplicas(2);
    const { modelId, versions } = await modelWithVersions(a, 2);
    const [v1, v2] = versions;
    // updateVersion takes the row as last read (archive and restore compare with it).
    const v2Now = async () => (await findVersion(a, { modelId, number: 2 }))!;
    for (let round = 0; round < 15; round++) {
      await moveAlias(a, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'reset' });
      const before = await v2Now();
      if (before.archivedAt !== null) await updateVersion(a, { version: before, archived: false, actor: 'reset' });
      const fresh = await v2Now();
      const [moved, archived] = await Promise.allSettled([
        moveAlias(b, { modelId, alias: 'production', versionId: v2.id, versionNumber: 2, actor: 'mover' }),
        updateVersion(a, { version: fresh, archived: true, actor: 'archiver' }),
      ]);
      // Exactly one wins: the other is refused with a conflict, whichever order the row lock gave them.
      expect([moved.status, archived.status].sort()).toEqual(['fulfilled', 'rejected']);
      const alias = await findAlias(a, { modelId, alias: 'production' });
      expect(alias?.number === 2 && (await v2Now()).archivedAt !== null).toBe(false);
    }
  });
});
