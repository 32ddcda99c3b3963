// Event log queries, one suite for both dialects (events.test.ts: SQLite, events.pg.test.ts: PostgreSQL):
// newest-first paging and one alias's moves.
import { describe, expect, it } from 'vitest';
import { isPg, type AnyDb } from '../any-db';
import { recordEventPg } from '../pg/queries/events';
import { listAliasMoves, listEvents, recordEvent } from './events';
import { insertModel } from './models';

export function eventsSuite(fresh: () => Promise<AnyDb>): void {
  const newModelId = async (db: AnyDb, name: string) =>
    (await insertModel(db, { name, task: 'regression', description: '', labels: null, actor: 'tester' })).id;

  /** recordEvent runs inside SQLite's synchronous transactions; PostgreSQL's twin is awaited. */
  const record = async (db: AnyDb, e: Parameters<typeof recordEvent>[1]) => (isPg(db) ? recordEventPg(db, e) : recordEvent(db, e));

  const moved = (db: AnyDb, modelId: number, alias: string, from: number | null, to: number) =>
    record(db, { modelId, kind: 'alias_moved', actor: 'tester', detail: { alias, from, to } });

  describe('listEvents', () => {
    it("lists one model's events newest first and pages with beforeId", async () => {
      const db = await fresh();
      const m = await newModelId(db, 'm');
      const other = await newModelId(db, 'other');
      for (let i = 1; i <= 4; i++) await record(db, { modelId: m, kind: 'model_updated', actor: 'tester', detail: { n: i }, ts: 1000 + i });
      await record(db, { modelId: other, kind: 'model_updated', actor: 'tester', detail: { n: 99 } });

      const page1 = await listEvents(db, { modelId: m, limit: 3 });
      expect(page1.map((e) => e.detail)).toEqual([{ n: 4 }, { n: 3 }, { n: 2 }]);
      expect(page1.map((e) => e.ts)).toEqual([1004, 1003, 1002]);
      const page2 = await listEvents(db, { modelId: m, limit: 3, beforeId: page1[2].id });
      // n: 1, then the model_created event insertModel recorded.
      expect(page2.map((e) => e.kind)).toEqual(['model_updated', 'model_created']);
      expect(page2[0].detail).toEqual({ n: 1 });
    });
  });

  describe('listAliasMoves', () => {
    it("returns only the named alias's moves, newest first, up to the limit", async () => {
      const db = await fresh();
      const m = await newModelId(db, 'm');
      const other = await newModelId(db, 'other');
      await moved(db, m, 'prod', null, 1);
      await moved(db, m, 'staging', null, 1);
      await moved(db, m, 'prod', 1, 2);
      await moved(db, other, 'prod', null, 7);
      await moved(db, m, 'prod', 2, 3);
      await record(db, { modelId: m, kind: 'alias_deleted', actor: 'tester', detail: { alias: 'prod', from: 3 } });

      const all = await listAliasMoves(db, { modelId: m, alias: 'prod', limit: 10 });
      expect(all.map((e) => [e.detail.from, e.detail.to])).toEqual([
        [2, 3],
        [1, 2],
        [null, 1],
      ]);
      const two = await listAliasMoves(db, { modelId: m, alias: 'prod', limit: 2 });
      expect(two.map((e) => e.detail.to)).toEqual([3, 2]);
    });

    it("still finds the alias's moves behind many moves of other aliases", async () => {
      const db = await fresh();
      const m = await newModelId(db, 'm');
      await moved(db, m, 'prod', 1, 2);
      for (let i = 0; i < 10; i++) await moved(db, m, 'staging', i, i + 1);
      const moves = await listAliasMoves(db, { modelId: m, alias: 'prod', limit: 1 });
      expect(moves.map((e) => e.detail)).toEqual([{ alias: 'prod', from: 1, to: 2 }]);
    });
  });
}
