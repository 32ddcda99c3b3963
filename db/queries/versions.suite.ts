// Version queries, one suite for both dialects (versions.test.ts: SQLite, versions.pg.test.ts:
// PostgreSQL): numbering, archive rules, artifact references.
import { describe, expect, it } from 'vitest';
import type { AnyDb } from '../any-db';
import { testSignature as signature } from '../test-db';
import { moveAlias } from './aliases';
import { setShadows } from './experiments';
import { deleteModel, findModel, insertModel } from './models';
import { allEvents, appError, deleteVersionRow } from './store-suite';
import { findVersion, insertVersion, isArtifactReferenced, listVersions, updateVersion } from './versions';

export function versionsSuite(fresh: () => Promise<AnyDb>): void {
  const newModel = (db: AnyDb, name: string) => insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' });

  const newVersion = (db: AnyDb, modelId: number, sha256 = 'a'.repeat(64), referenceSha?: string) =>
    insertVersion(db, {
      modelId,
      sha256,
      sizeBytes: 100,
      signature,
      featureNames: ['f0', 'f1'],
      metrics: {},
      output: null,
      reference: referenceSha ? { sha256: referenceSha, rows: 10, columns: ['f0', 'f1'], format: 'csv' } : null,
      profile: null,
      description: '',
      source: '',
      actor: 'tester',
    });

  describe('insertVersion', () => {
    it("numbers a model's versions 1, 2, 3", async () => {
      const db = await fresh();
      const m = await newModel(db, 'churn');
      const numbers = [];
      for (let i = 0; i < 3; i++) numbers.push((await newVersion(db, m.id)).number);
      expect(numbers).toEqual([1, 2, 3]);
      expect((await findModel(db, 'churn'))?.lastVersion).toBe(3);
    });

    it('numbers each model independently, even when uploads interleave', async () => {
      const db = await fresh();
      const a = await newModel(db, 'a');
      const b = await newModel(db, 'b');
      const got: string[] = [];
      for (const m of [a, b, a, a, b]) got.push(`${m.name}${(await newVersion(db, m.id)).number}`);
      expect(got).toEqual(['a1', 'b1', 'a2', 'a3', 'b2']);
    });

    it('never reuses a number, even after the highest version row is gone', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      await newVersion(db, m.id);
      await newVersion(db, m.id);
      const v3 = await newVersion(db, m.id);
      await deleteVersionRow(db, v3.id);
      expect((await newVersion(db, m.id)).number).toBe(4);
      expect((await listVersions(db, { modelId: m.id, includeArchived: true })).map((v) => v.number)).toEqual([1, 2, 4]);
    });

    it('records a version_uploaded event with the number, hash and size', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      await newVersion(db, m.id, 'b'.repeat(64));
      const rows = (await allEvents(db)).filter((e) => e.kind === 'version_uploaded');
      expect(rows.map((r) => [r.actor, r.detail])).toEqual([['tester', { version: 1, sha256: 'b'.repeat(64), size_bytes: 100 }]]);
    });

    it('refuses a model that does not exist', async () => {
      const db = await fresh();
      expect((await appError(newVersion(db, 999))).code).toBe('not_found');
    });

    it('stores the JSON columns as they were given', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id, 'c'.repeat(64), 'd'.repeat(64));
      const read = await findVersion(db, { modelId: m.id, number: v.number });
      expect(read?.signature).toEqual(signature);
      expect(read?.featureNames).toEqual(['f0', 'f1']);
      expect(read?.reference).toEqual({ sha256: 'd'.repeat(64), rows: 10, columns: ['f0', 'f1'], format: 'csv' });
      expect(read?.archivedAt).toBeNull();
    });
  });

  describe('updateVersion: feature names', () => {
    const relabel = (tag: string) => (profile: Record<string, unknown> | null) => ({ ...(profile ?? {}), relabelled: tag });

    it('sets, changes and clears them, each an event with the previous names; the profile goes through relabel', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id);
      const set = await updateVersion(db, { version: v, featureNames: { names: ['b', 'a'], relabel: relabel('1') }, actor: 'ana' });
      expect(set.featureNames).toEqual(['b', 'a']);
      expect(set.profile).toEqual({ relabelled: '1' });
      const cleared = await updateVersion(db, { version: set, featureNames: { names: null, relabel: (p) => p }, actor: 'bo' });
      expect(cleared.featureNames).toBeNull();
      const edits = (await allEvents(db)).filter((e) => e.kind === 'version_updated');
      expect(edits.map((e) => [e.actor, e.detail])).toEqual([
        ['ana', { version: 1, feature_names: ['b', 'a'], previous_feature_names: ['f0', 'f1'] }],
        ['bo', { version: 1, feature_names: null, previous_feature_names: ['b', 'a'] }],
      ]);
    });

    it('records nothing when the names are the same', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id);
      await updateVersion(db, { version: v, featureNames: { names: ['f0', 'f1'], relabel: relabel('x') }, actor: 'tester' });
      expect((await allEvents(db)).map((e) => e.kind)).toEqual(['model_created', 'version_uploaded']);
      expect((await findVersion(db, { modelId: m.id, number: 1 }))?.profile).toBeNull();
    });

    it('refuses a change on either side of a shadow pair (409 naming feature_names), and changes nothing', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const prod = await newVersion(db, m.id);
      const shadow = await newVersion(db, m.id);
      const lone = await newVersion(db, m.id);
      await moveAlias(db, { modelId: m.id, alias: 'production', versionId: prod.id, versionNumber: 1, actor: 'tester' });
      await setShadows(db, { modelId: m.id, numbers: [shadow.number], actor: 'tester', check: () => undefined });
      for (const v of [prod, shadow]) {
        const err = await appError(updateVersion(db, { version: v, featureNames: { names: ['x', 'y'], relabel: (p) => p }, actor: 'tester' }));
        expect(err.code).toBe('conflict');
        expect(err.errors.map((e) => e.path)).toEqual(['feature_names']);
        expect((await findVersion(db, { modelId: m.id, number: v.number }))?.featureNames).toEqual(['f0', 'f1']);
      }
      const ok = await updateVersion(db, { version: lone, featureNames: { names: ['x', 'y'], relabel: (p) => p }, actor: 'tester' });
      expect(ok.featureNames).toEqual(['x', 'y']);
    });
  });

  describe('updateVersion', () => {
    it('archives and restores a version, each with its event, and listVersions hides archived ones', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v1 = await newVersion(db, m.id);
      await newVersion(db, m.id);
      const archived = await updateVersion(db, { version: v1, archived: true, actor: 'tester' });
      expect(archived.archivedAt).toEqual(expect.any(Number));
      expect((await listVersions(db, { modelId: m.id, includeArchived: false })).map((v) => v.number)).toEqual([2]);
      expect((await listVersions(db, { modelId: m.id, includeArchived: true })).map((v) => v.number)).toEqual([1, 2]);
      const restored = await updateVersion(db, { version: archived, archived: false, actor: 'tester' });
      expect(restored.archivedAt).toBeNull();
      const kinds = (await allEvents(db)).filter((e) => e.kind.startsWith('version_') && e.kind !== 'version_uploaded');
      expect(kinds.map((e) => [e.kind, e.detail])).toEqual([
        ['version_archived', { version: 1 }],
        ['version_restored', { version: 1 }],
      ]);
    });

    it('records nothing when nothing changes', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id);
      await updateVersion(db, { version: v, archived: false, description: '', actor: 'tester' });
      expect((await allEvents(db)).map((e) => e.kind)).toEqual(['model_created', 'version_uploaded']);
    });

    it('refuses to archive an aliased version and keeps the rest of the edit undone', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id);
      await moveAlias(db, { modelId: m.id, alias: 'prod', versionId: v.id, versionNumber: 1, actor: 'tester' });
      const err = await appError(updateVersion(db, { version: v, archived: true, description: 'new text', actor: 'tester' }));
      expect(err.code).toBe('conflict');
      expect(err.message).toBe('version 1 is aliased as prod; move the alias first');
      const after = await findVersion(db, { modelId: m.id, number: 1 });
      expect(after?.archivedAt).toBeNull();
      expect(after?.description).toBe('');
      expect((await allEvents(db)).map((e) => e.kind)).toEqual(['model_created', 'version_uploaded', 'alias_moved']);
    });
  });

  describe('isArtifactReferenced', () => {
    it('finds a hash used as a model artifact or as a reference sample, and forgets it once the model is deleted', async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      await newVersion(db, m.id, 'a'.repeat(64), 'r'.repeat(64));
      expect(await isArtifactReferenced(db, 'a'.repeat(64))).toBe(true);
      expect(await isArtifactReferenced(db, 'r'.repeat(64))).toBe(true);
      expect(await isArtifactReferenced(db, 'f'.repeat(64))).toBe(false);
      await deleteModel(db, m, 'tester');
      expect(await isArtifactReferenced(db, 'a'.repeat(64))).toBe(false);
      expect(await isArtifactReferenced(db, 'r'.repeat(64))).toBe(false);
    });

    it("still counts an archived version's artifacts", async () => {
      const db = await fresh();
      const m = await newModel(db, 'm');
      const v = await newVersion(db, m.id, 'a'.repeat(64));
      await updateVersion(db, { version: v, archived: true, actor: 'tester' });
      expect(await isArtifactReferenced(db, 'a'.repeat(64))).toBe(true);
    });
  });
}
