// Split and shadow queries, one suite for both dialects (experiments.test.ts: SQLite,
// experiments.pg.test.ts: PostgreSQL): the champion rule, events, ending a split by a move or a
// delete, archive refusals, shadow sets.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { testSignature as signature, insertTestVersion } from '../test-db';
import { findAlias, moveAlias, removeAlias } from './aliases';
import { findSplit, listShadows, listSplits, setShadows, setSplit } from './experiments';
import { insertModel } from './models';
import { allAliasWeights, allEvents, appError } from './store-suite';
import { updateVersion } from './versions';

export function experimentsSuite(fresh: () => Promise<AnyDb>): void {
  async function modelWithVersions(db: AnyDb, n: number) {
    const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 'tester' });
    const versions = [];
    for (let i = 0; i < n; i++) {
      versions.push(await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64), signature, actor: 'tester' }));
    }
    return { modelId: m.id, versions };
  }

  const eventsOf = async (db: AnyDb, kinds: string[]) =>
    (await allEvents(db)).filter((e) => kinds.includes(e.kind)).map((e) => ({ kind: e.kind, actor: e.actor, detail: e.detail }));

  describe('setSplit', () => {
    it('keeps the champion the alias pointed at when it is in the split, and records split_set', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1],
      } = await modelWithVersions(db, 2);
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'a' });
      const r = await setSplit(db, {
        modelId,
        alias: 'production',
        entries: [
          { version: 2, weight: 90 },
          { version: 1, weight: 10 },
        ],
        actor: 'canary',
      });
      expect(r).toEqual({
        champion: 1,
        from: 1,
        versions: [
          { version: 2, weight: 90 },
          { version: 1, weight: 10 },
        ],
      });
      expect((await findAlias(db, { modelId, alias: 'production' }))!.number).toBe(1);
      expect(await findSplit(db, { modelId, alias: 'production' })).toEqual([
        { version: 2, weight: 90 },
        { version: 1, weight: 10 },
      ]);
      expect((await eventsOf(db, ['split_set', 'alias_moved'])).slice(1)).toEqual([
        {
          kind: 'split_set',
          actor: 'canary',
          detail: {
            alias: 'production',
            versions: [
              { version: 2, weight: 90 },
              { version: 1, weight: 10 },
            ],
            from: 1,
            champion: 1,
            previous: null,
          },
        },
      ]);
    });

    it('moves the alias to the heaviest (first listed on ties) when its version is not in the split', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1],
      } = await modelWithVersions(db, 4);
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'a' });
      const r = await setSplit(db, {
        modelId,
        alias: 'production',
        entries: [
          { version: 2, weight: 1 },
          { version: 3, weight: 3 },
          { version: 4, weight: 3 },
        ],
        actor: 'b',
      });
      expect(r.champion).toBe(3);
      expect((await findAlias(db, { modelId, alias: 'production' }))!.number).toBe(3);
      expect((await eventsOf(db, ['alias_moved'])).at(-1)).toEqual({
        kind: 'alias_moved',
        actor: 'b',
        detail: { alias: 'production', from: 1, to: 3, reason: 'split' },
      });
      // A new alias is created by its first split.
      const s = await setSplit(db, {
        modelId,
        alias: 'staging',
        entries: [
          { version: 2, weight: 5 },
          { version: 4, weight: 5 },
        ],
        actor: 'b',
      });
      expect(s).toMatchObject({ champion: 2, from: null });
    });

    it('refuses unknown and archived versions, naming the entry, and changes nothing', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1, , v3],
      } = await modelWithVersions(db, 3);
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'a' });
      await updateVersion(db, { version: v3, archived: true, actor: 'a' });
      const unknown = await appError(
        setSplit(db, {
          modelId,
          alias: 'production',
          entries: [
            { version: 1, weight: 1 },
            { version: 9, weight: 1 },
          ],
          actor: 'x',
        }),
      );
      expect(unknown.status).toBe(404);
      expect(unknown.errors[0].path).toBe('versions[1].version');
      const archived = await appError(
        setSplit(db, {
          modelId,
          alias: 'production',
          entries: [
            { version: 3, weight: 1 },
            { version: 2, weight: 1 },
          ],
          actor: 'x',
        }),
      );
      expect(archived.status).toBe(409);
      expect(archived.errors[0].path).toBe('versions[0].version');
      expect(await allAliasWeights(db)).toEqual([]);
      expect(await eventsOf(db, ['split_set'])).toEqual([]);
    });

    it('ends by a move to one version (split_ended, even onto the champion) and by deleting the alias', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1, v2],
      } = await modelWithVersions(db, 2);
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'a' });
      await setSplit(db, {
        modelId,
        alias: 'production',
        entries: [
          { version: 1, weight: 50 },
          { version: 2, weight: 50 },
        ],
        actor: 'a',
      });
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'ender' });
      expect(await findSplit(db, { modelId, alias: 'production' })).toEqual([]);
      expect(await eventsOf(db, ['split_ended'])).toEqual([
        {
          kind: 'split_ended',
          actor: 'ender',
          detail: {
            alias: 'production',
            versions: [
              { version: 1, weight: 50 },
              { version: 2, weight: 50 },
            ],
            from: 1,
            to: 1,
          },
        },
      ]);
      await setSplit(db, {
        modelId,
        alias: 'production',
        entries: [
          { version: 1, weight: 1 },
          { version: 2, weight: 2 },
        ],
        actor: 'a',
      });
      // An archive of a version in a split is refused.
      const err = await appError(updateVersion(db, { version: v2, archived: true, actor: 'a' }));
      expect(err.status).toBe(409);
      expect(err.message).toMatch(/split/);
      await removeAlias(db, { modelId, alias: 'production', actor: 'remover' });
      expect(await eventsOf(db, ['split_ended'])).toHaveLength(2);
      expect((await listSplits(db, [modelId])).get(modelId)).toBeUndefined();
    });
  });

  describe('setShadows', () => {
    it('replaces the set with shadow_set / shadow_ended events, records nothing when unchanged, and guards archiving', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [, v2],
      } = await modelWithVersions(db, 3);
      const check = () => undefined;
      await setShadows(db, { modelId, numbers: [3, 2], actor: 's', check });
      expect((await listShadows(db, [modelId])).get(modelId)).toEqual([2, 3]);
      await setShadows(db, { modelId, numbers: [2, 3], actor: 's', check });
      const err = await appError(updateVersion(db, { version: v2, archived: true, actor: 'a' }));
      expect(err.message).toMatch(/shadow/);
      await setShadows(db, { modelId, numbers: [], actor: 'e', check });
      expect(await eventsOf(db, ['shadow_set', 'shadow_ended'])).toEqual([
        { kind: 'shadow_set', actor: 's', detail: { versions: [2, 3], from: [] } },
        { kind: 'shadow_ended', actor: 'e', detail: { from: [2, 3] } },
      ]);
      const refused = await appError(setShadows(db, { modelId, numbers: [9], actor: 's', check }));
      expect(refused.errors[0].path).toBe('versions[0]');
    });

    it('drops a shadow version that production moves onto', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1, v2],
      } = await modelWithVersions(db, 2);
      await moveAlias(db, { modelId, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 'a' });
      await setShadows(db, { modelId, numbers: [2], actor: 's', check: () => undefined });
      await moveAlias(db, { modelId, alias: 'production', versionId: v2.id, versionNumber: 2, actor: 'promoter' });
      expect((await listShadows(db, [modelId])).get(modelId)).toBeUndefined();
      expect((await eventsOf(db, ['shadow_ended'])).at(-1)).toEqual({
        kind: 'shadow_ended',
        actor: 'promoter',
        detail: { versions: [], from: [2], reason: 'promoted to production' },
      });
    });
  });
}
