// Model queries, one suite for both dialects (models.test.ts: SQLite, models.pg.test.ts: PostgreSQL):
// unique names, listing, deletion rules.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { testSignature as signature } from '../test-db';
import { moveAlias, removeAlias } from './aliases';
import { deleteModel, findModel, insertModel, listModels, updateModel } from './models';
import { allAliases, allEvents, allVersions, appError } from './store-suite';
import { insertVersion, updateVersion } from './versions';

export function modelsSuite(fresh: () => Promise<AnyDb>): void {
  const newModel = (db: AnyDb, name: string) =>
    insertModel(db, { name, task: 'binary_classification', description: `about ${name}`, labels: ['no', 'yes'], actor: 'tester' });

  const newVersion = (db: AnyDb, modelId: number, sha256 = 'a'.repeat(64), referenceSha?: string) =>
    insertVersion(db, {
      modelId,
      sha256,
      sizeBytes: 100,
      signature,
      featureNames: null,
      metrics: {},
      output: null,
      reference: referenceSha ? { sha256: referenceSha, rows: 10, columns: ['x'], format: 'json' } : null,
      profile: null,
      description: '',
      source: '',
      actor: 'tester',
    });

  const alias = (db: AnyDb, modelId: number, name: string, v: { id: number; number: number }) =>
    moveAlias(db, { modelId, alias: name, versionId: v.id, versionNumber: v.number, actor: 'tester' });

  describe('insertModel', () => {
    it('creates the model with no versions yet and records model_created', async () => {
      const db = await fresh();
      const m = await newModel(db, 'churn');
      expect(m).toMatchObject({
        name: 'churn',
        task: 'binary_classification',
        description: 'about churn',
        labels: ['no', 'yes'],
        lastVersion: 0,
        needsRetraining: false,
      });
      expect((await allEvents(db)).map((e) => [e.modelId, e.kind, e.actor, e.detail])).toEqual([
        [m.id, 'model_created', 'tester', { name: 'churn', task: 'binary_classification' }],
      ]);
    });

    it('refuses a second model with the same name as a conflict on "name"', async () => {
      const db = await fresh();
      await newModel(db, 'churn');
      const err = await appError(newModel(db, 'churn'));
      expect(err.code).toBe('conflict');
      expect(err.status).toBe(409);
      expect(err.errors).toEqual([{ path: 'name', message: 'already exists' }]);
      // The refused insert left no event behind.
      expect(await allEvents(db)).toHaveLength(1);
    });
  });

  describe('updateModel', () => {
    it('changes only the given fields and records them', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const row = await updateModel(db, { model: m, labels: null, actor: 'editor' });
      expect(row.description).toBe('about m');
      expect(row.labels).toBeNull();
      const last = (await allEvents(db)).at(-1);
      expect([last?.kind, last?.actor, last?.detail]).toEqual(['model_updated', 'editor', { labels: null }]);
    });
  });

  describe('listModels', () => {
    it('pages by name with a cursor', async () => {
      const db = await fresh();
      for (const name of ['c', 'a', 'e', 'b', 'd']) await newModel(db, name);
      const names = async (q: { limit: number; afterName?: string }) => (await listModels(db, q)).map((r) => r.model.name);
      expect(await names({ limit: 2 })).toEqual(['a', 'b']);
      expect(await names({ limit: 2, afterName: 'b' })).toEqual(['c', 'd']);
      expect(await names({ limit: 2, afterName: 'd' })).toEqual(['e']);
      expect(await names({ limit: 2, afterName: 'e' })).toEqual([]);
      // The cursor need not be an existing name.
      expect(await names({ limit: 10, afterName: 'bb' })).toEqual(['c', 'd', 'e']);
    });

    it('reports aliases, latest live version and live version count per model', async () => {
      const db = await fresh();
      const a = await newModel(db, 'a');
      const b = await newModel(db, 'b');
      const c = await newModel(db, 'c');
      const a1 = await newVersion(db, a.id);
      const a2 = await newVersion(db, a.id);
      const a3 = await newVersion(db, a.id);
      await updateVersion(db, { version: a3, archived: true, actor: 'tester' });
      await alias(db, a.id, 'prod', a2);
      await alias(db, a.id, 'staging', a1);
      const c1 = await newVersion(db, c.id);
      await updateVersion(db, { version: c1, archived: true, actor: 'tester' });
      await newVersion(db, b.id);

      const rows = await listModels(db, { limit: 10 });
      expect(rows.map((r) => ({ name: r.model.name, aliases: r.aliases, latest: r.latestVersion, count: r.versionCount }))).toEqual([
        { name: 'a', aliases: { prod: 2, staging: 1 }, latest: 2, count: 2 },
        { name: 'b', aliases: {}, latest: 1, count: 1 },
        { name: 'c', aliases: {}, latest: null, count: 0 },
      ]);
      expect(rows[0].model.id).toBe(a.id);
    });

    it('returns nothing for an empty registry', async () => {
      expect(await listModels(await fresh(), { limit: 5 })).toEqual([]);
    });
  });

  describe('deleteModel', () => {
    it('is refused while an alias points at one of its versions', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id);
      await alias(db, m.id, 'prod', v);
      await alias(db, m.id, 'canary', v);
      const err = await appError(deleteModel(db, m, 'tester'));
      expect(err.code).toBe('conflict');
      expect(err.message).toMatch(/^model "m" has aliases \((prod, canary|canary, prod)\); delete them first$/);
      expect(await findModel(db, 'm')).toBeDefined();
      expect(await allVersions(db)).toHaveLength(1);
    });

    it('once its aliases are removed, deletes the model with its versions and returns each artifact hash once', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const other = await newModel(db, 'other');
      const v1 = await newVersion(db, m.id, '1'.repeat(64), 'r'.repeat(64));
      await newVersion(db, m.id, '1'.repeat(64)); // same bytes uploaded twice
      await newVersion(db, m.id, '2'.repeat(64), 'r'.repeat(64));
      await newVersion(db, m.id, '3'.repeat(64), 's'.repeat(64));
      await newVersion(db, other.id, '9'.repeat(64));
      await alias(db, m.id, 'prod', v1);
      await removeAlias(db, { modelId: m.id, alias: 'prod', actor: 'tester' });

      const freed = await deleteModel(db, m, 'tester');
      expect({ onnx: [...freed.onnx].sort(), json: [...freed.json].sort() }).toEqual({
        onnx: ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)],
        json: ['r'.repeat(64), 's'.repeat(64)],
      });
      expect(await findModel(db, 'm')).toBeUndefined();
      // Cascades: only the other model's version and event rows remain, plus the deletion itself.
      expect((await allVersions(db)).map((v) => v.modelId)).toEqual([other.id]);
      expect(new Set((await allEvents(db)).map((e) => e.modelId))).toEqual(new Set([other.id, null]));
      const deletion = (await allEvents(db)).find((e) => e.modelId === null)!;
      expect(deletion).toMatchObject({ kind: 'model_deleted', actor: 'tester', detail: { model: 'm' } });
      expect(await allAliases(db)).toEqual([]);
    });

    it('returns empty lists for a model without versions', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      expect(await deleteModel(db, m, 'tester')).toEqual({ onnx: [], json: [] });
    });
  });
}
