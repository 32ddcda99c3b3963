// The reads around experiments, one suite for both dialects (experiment-reads.test.ts: SQLite,
// experiment-reads.pg.test.ts: PostgreSQL): the traffic events the comparison starts from, the
// serving set, and the comparison's reads of the raw log (shadow rows paired with the requests they
// copy, labeled rows, outputs by request).
import { describe, expect, it } from 'vitest';
import { ulid } from '../../lib/ulid';
import type { AnyDb } from '../any-db';
import { predictionId, type PredictionRecord } from '../prediction-ids';
import { PREDICTION_SOURCES } from '../schema';
import { insertTestVersion } from '../test-db';
import { moveAlias } from './aliases';
import { compareReads, type PairedRequest } from './compare';
import { setShadows, setSplit } from './experiments';
import { insertModel } from './models';
import { listArtifactVersions, listServingSet } from './serving-set';
import { insertOutcomeRows, logPredictions } from './store-suite';
import { listTrafficEvents } from './traffic-events';

export function experimentReadsSuite(fresh: () => Promise<AnyDb>): void {
  const sha = (c: string) => c.repeat(64);

  /** Model "m" (v1 production, v2 its shadow, v3 in production's split with v1) and model "a" (v1 production, v3's artifact). */
  async function experiment(db: AnyDb) {
    const a = await insertModel(db, { name: 'a', task: 'regression', description: '', labels: null, actor: 't' });
    const m = await insertModel(db, { name: 'm', task: 'regression', description: '', labels: null, actor: 't' });
    const a1 = await insertTestVersion(db, { modelId: a.id, sha256: sha('c') });
    const [v1, v2, v3] = [
      await insertTestVersion(db, { modelId: m.id, sha256: sha('1') }),
      await insertTestVersion(db, { modelId: m.id, sha256: sha('2') }),
      await insertTestVersion(db, { modelId: m.id, sha256: sha('c') }),
    ];
    await moveAlias(db, { modelId: m.id, alias: 'production', versionId: v1.id, versionNumber: 1, actor: 't' });
    await setShadows(db, { modelId: m.id, numbers: [2], actor: 't', check: () => undefined });
    await setSplit(db, {
      modelId: m.id,
      alias: 'production',
      entries: [
        { version: 1, weight: 9 },
        { version: 3, weight: 1 },
      ],
      actor: 't',
    });
    await moveAlias(db, { modelId: a.id, alias: 'production', versionId: a1.id, versionNumber: 1, actor: 't' });
    return { a, m, a1, v1, v2, v3 };
  }

  describe('listTrafficEvents', () => {
    it("returns the model's split, shadow and alias events newest first, up to the limit", async () => {
      const db = await fresh();
      const { m } = await experiment(db);
      expect((await listTrafficEvents(db, m.id)).map((e) => e.kind)).toEqual(['split_set', 'shadow_set', 'alias_moved']);
      expect((await listTrafficEvents(db, m.id, 2)).map((e) => [e.kind, e.detail.alias ?? null])).toEqual([
        ['split_set', 'production'],
        ['shadow_set', null],
      ]);
    });
  });

  describe('serving set', () => {
    it('lists each version once per role, by model and version, and the versions behind artifacts', async () => {
      const db = await fresh();
      await experiment(db);
      expect(await listServingSet(db)).toEqual([
        { model: 'a', version: 1, sha256: sha('c'), role: 'production' },
        { model: 'm', version: 1, sha256: sha('1'), role: 'production' },
        { model: 'm', version: 1, sha256: sha('1'), role: 'split' },
        { model: 'm', version: 2, sha256: sha('2'), role: 'shadow' },
        { model: 'm', version: 3, sha256: sha('c'), role: 'split' },
      ]);
      expect(await listArtifactVersions(db, [sha('c'), sha('2'), sha('f')])).toEqual([
        { model: 'a', version: 1, sha256: sha('c') },
        { model: 'm', version: 2, sha256: sha('2') },
        { model: 'm', version: 3, sha256: sha('c') },
      ]);
      expect(await listArtifactVersions(db, [])).toEqual([]);
    });
  });

  describe('compareReads', () => {
    const T = Date.UTC(2024, 0, 15, 10);
    const f64 = (...xs: number[]) => Buffer.from(new Float64Array(xs).buffer);
    const record = (r: Partial<PredictionRecord> & Pick<PredictionRecord, 'id' | 'modelId' | 'versionId' | 'ts'>): PredictionRecord => ({
      alias: null,
      rows: 2,
      inputCodec: 1,
      inputs: Buffer.alloc(16),
      labels: null,
      outputValues: null,
      probabilities: null,
      classes: null,
      clientIds: null,
      latencyUs: 0,
      source: PREDICTION_SOURCES.live,
      ...r,
    });

    it('pairs every shadow row of the range with the request it copies, across more rows than one read page', async () => {
      const db = await fresh();
      const { m, v1, v2, v3 } = await experiment(db);
      const n = 2100;
      const records: PredictionRecord[] = [];
      const expected: PairedRequest[] = [];
      for (let i = 0; i < n; i++) {
        // Three requests a second: pages must not skip or repeat requests that share a time.
        const ts = T + Math.floor(i / 3) * 1000;
        const primary = record({ id: ulid(ts), modelId: m.id, versionId: v1.id, ts, outputValues: f64(i, i + 0.5), latencyUs: 100 + i, alias: 'production' });
        const shadow = record({
          id: ulid(ts),
          modelId: m.id,
          versionId: v2.id,
          ts,
          outputValues: f64(i + 0.25, i + 0.75),
          latencyUs: 50 + i,
          source: PREDICTION_SOURCES.shadow,
          pairId: primary.id,
        });
        records.push(primary, shadow);
        expected.push({
          sid: shadow.id,
          ts,
          rows: 2,
          s_labels: null,
          s_values: shadow.outputValues,
          p_labels: null,
          p_values: primary.outputValues,
          s_latency: 50 + i,
          p_latency: 100 + i,
        });
      }
      const to = T + Math.ceil(n / 3) * 1000;
      // Outside the range, and a shadow of another version: neither is paired.
      const late = record({ id: ulid(to), modelId: m.id, versionId: v1.id, ts: to });
      const other = record({ id: ulid(T), modelId: m.id, versionId: v3.id, ts: T, source: PREDICTION_SOURCES.shadow, pairId: records[0].id });
      records.push(late, record({ id: ulid(to), modelId: m.id, versionId: v2.id, ts: to, source: PREDICTION_SOURCES.shadow, pairId: late.id }), other);
      await logPredictions(db, records);

      const reads = compareReads(db);
      expect(await reads.pairedExists(v2.id, v1.id, T, to)).toBe(true);
      expect(await reads.pairedExists(v1.id, v2.id, T, to)).toBe(false);
      expect(await reads.pairedExists(v2.id, v1.id, T - 60_000, T)).toBe(false);
      const got: PairedRequest[] = [];
      await reads.paired(v2.id, v1.id, T, to, (r) => got.push(r));
      const bySid = (x: PairedRequest, y: PairedRequest) => (x.sid < y.sid ? -1 : 1);
      expect(got.length).toBe(n);
      expect(got.sort(bySid)).toEqual(expected.sort(bySid));
    });

    it("reads a version's labeled rows by prediction time, and outputs by request id", async () => {
      const db = await fresh();
      const { m, v1, v2 } = await experiment(db);
      const [r1, r2, r3] = [
        record({ id: ulid(T), modelId: m.id, versionId: v1.id, ts: T, outputValues: f64(1, 2) }),
        record({ id: ulid(T + 1), modelId: m.id, versionId: v1.id, ts: T + 1, outputValues: null }),
        record({ id: ulid(T + 2), modelId: m.id, versionId: v2.id, ts: T + 2, outputValues: f64(3, 4) }),
      ];
      await logPredictions(db, [r1, r2, r3]);
      const outcome = (id: string, versionId: number, predTs: number, actualValue: number) => ({
        predictionId: id,
        modelId: m.id,
        versionId,
        predTs,
        actualLabel: null,
        actualValue,
        ts: predTs + 5,
      });
      await insertOutcomeRows(db, [
        outcome(predictionId(r1.id, 0), v1.id, T, 1.5),
        outcome(predictionId(r1.id, 1), v1.id, T, 2.5),
        outcome(predictionId(r2.id, 0), v1.id, T + 1, 0),
        outcome(predictionId(r3.id, 0), v2.id, T + 2, 3),
        outcome('late', v1.id, T + 10, 9),
      ]);
      const reads = compareReads(db);
      const labeled = await reads.outcomes(v1.id, T, T + 10);
      const byId = (x: { prediction_id: string }, y: { prediction_id: string }) => (x.prediction_id < y.prediction_id ? -1 : 1);
      expect(labeled.sort(byId)).toEqual(
        [
          { prediction_id: predictionId(r1.id, 0), actual_label: null, actual_value: 1.5 },
          { prediction_id: predictionId(r1.id, 1), actual_label: null, actual_value: 2.5 },
          { prediction_id: predictionId(r2.id, 0), actual_label: null, actual_value: 0 },
        ].sort(byId),
      );
      // A request not in the log (or not a request id at all) has no entry.
      const outputs = await reads.outputs([r1.id, r2.id, r3.id, ulid(T + 3), 'not-a-request']);
      expect(Object.fromEntries(outputs)).toEqual({ [r1.id]: f64(1, 2), [r2.id]: null, [r3.id]: f64(3, 4) });
    });
  });
}
