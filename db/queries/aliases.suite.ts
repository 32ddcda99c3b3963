// Alias queries, one suite for both dialects (aliases.test.ts: SQLite, aliases.pg.test.ts:
// PostgreSQL): moves, their events, and the archive rule.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { testSignature as signature, insertTestVersion } from '../test-db';
import { findAlias, listAliases, moveAlias, removeAlias } from './aliases';
import { insertModel } from './models';
import { allEvents, appError } from './store-suite';
import { updateVersion } from './versions';

export function aliasesSuite(fresh: () => Promise<AnyDb>): void {
  /** A model with `n` versions; returns its id and the versions in order. */
  async function modelWithVersions(db: AnyDb, name: string, n: number) {
    const m = await insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' });
    const versions = [];
    for (let i = 0; i < n; i++) {
      versions.push(await insertTestVersion(db, { modelId: m.id, sha256: 'a'.repeat(64), signature, actor: 'tester' }));
    }
    return { modelId: m.id, versions };
  }

  const moveTo = (db: AnyDb, modelId: number, alias: string, v: { id: number; number: number }, reason?: string) =>
    moveAlias(db, { modelId, alias, versionId: v.id, versionNumber: v.number, actor: 'deployer', reason });

  const aliasEvents = async (db: AnyDb) =>
    (await allEvents(db)).filter((e) => e.kind === 'alias_moved' || e.kind === 'alias_deleted').map((e) => [e.kind, e.actor, e.detail]);

  describe('moveAlias', () => {
    it('returns {from, to} and records each move as alias_moved {alias, from, to}', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1, v2, v3],
      } = await modelWithVersions(db, 'm', 3);
      expect(await moveTo(db, modelId, 'prod', v1)).toEqual({ from: null, to: 1 });
      expect(await moveTo(db, modelId, 'prod', v3)).toEqual({ from: 1, to: 3 });
      expect(await moveTo(db, modelId, 'prod', v2, 'rollback')).toEqual({ from: 3, to: 2 });
      expect(await aliasEvents(db)).toEqual([
        ['alias_moved', 'deployer', { alias: 'prod', from: null, to: 1 }],
        ['alias_moved', 'deployer', { alias: 'prod', from: 1, to: 3 }],
        ['alias_moved', 'deployer', { alias: 'prod', from: 3, to: 2, reason: 'rollback' }],
      ]);
      expect(await findAlias(db, { modelId, alias: 'prod' })).toEqual({ name: 'prod', versionId: v2.id, number: 2 });
    });

    it('records nothing when the alias already points at the version', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1],
      } = await modelWithVersions(db, 'm', 1);
      await moveTo(db, modelId, 'prod', v1);
      expect(await moveTo(db, modelId, 'prod', v1)).toEqual({ from: 1, to: 1 });
      expect(await aliasEvents(db)).toHaveLength(1);
    });

    it('refuses an archived version as a conflict and leaves the alias where it was', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1, v2],
      } = await modelWithVersions(db, 'm', 2);
      await moveTo(db, modelId, 'prod', v1);
      await updateVersion(db, { version: v2, archived: true, actor: 'tester' });
      const err = await appError(moveTo(db, modelId, 'prod', v2));
      expect(err.code).toBe('conflict');
      expect(err.errors).toEqual([{ path: 'version', message: 'is archived' }]);
      expect((await findAlias(db, { modelId, alias: 'prod' }))?.number).toBe(1);
      expect(await aliasEvents(db)).toHaveLength(1);
    });

    it('refuses a version id that does not exist as not_found', async () => {
      const db = await fresh();
      const { modelId } = await modelWithVersions(db, 'm', 1);
      const err = await appError(moveAlias(db, { modelId, alias: 'prod', versionId: 12345, versionNumber: 9, actor: 'x' }));
      expect(err.code).toBe('not_found');
      expect(await listAliases(db, modelId)).toEqual([]);
    });

    it('keeps aliases of different models and different names apart', async () => {
      const db = await fresh();
      const a = await modelWithVersions(db, 'a', 2);
      const b = await modelWithVersions(db, 'b', 1);
      await moveTo(db, a.modelId, 'prod', a.versions[1]);
      await moveTo(db, a.modelId, 'staging', a.versions[0]);
      // b's first prod move starts from nothing, whatever a's prod points at.
      expect(await moveTo(db, b.modelId, 'prod', b.versions[0])).toEqual({ from: null, to: 1 });
      const byName = (rows: { name: string; number: number }[]) => Object.fromEntries(rows.map((r) => [r.name, r.number]));
      expect(byName(await listAliases(db, a.modelId))).toEqual({ prod: 2, staging: 1 });
      expect(byName(await listAliases(db, b.modelId))).toEqual({ prod: 1 });
    });
  });

  describe('removeAlias', () => {
    it('removes the alias, returns the version it pointed at and records alias_deleted', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [, v2],
      } = await modelWithVersions(db, 'm', 2);
      await moveTo(db, modelId, 'prod', v2);
      expect(await removeAlias(db, { modelId, alias: 'prod', actor: 'remover' })).toBe(2);
      expect(await findAlias(db, { modelId, alias: 'prod' })).toBeUndefined();
      expect((await aliasEvents(db)).at(-1)).toEqual(['alias_deleted', 'remover', { alias: 'prod', from: 2 }]);
    });

    it('returns null and records nothing for an alias that does not exist', async () => {
      const db = await fresh();
      const { modelId } = await modelWithVersions(db, 'm', 1);
      expect(await removeAlias(db, { modelId, alias: 'prod', actor: 'x' })).toBeNull();
      expect((await allEvents(db)).filter((e) => e.kind === 'alias_deleted')).toEqual([]);
    });

    it('lets the version be archived once its alias is gone', async () => {
      const db = await fresh();
      const {
        modelId,
        versions: [v1],
      } = await modelWithVersions(db, 'm', 1);
      await moveTo(db, modelId, 'prod', v1);
      await removeAlias(db, { modelId, alias: 'prod', actor: 'x' });
      expect((await updateVersion(db, { version: v1, archived: true, actor: 'x' })).archivedAt).not.toBeNull();
    });
  });
}
