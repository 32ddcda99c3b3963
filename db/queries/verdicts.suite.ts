// Stored verdicts and the overview's traffic, one suite for both dialects (verdicts.test.ts: SQLite,
// verdicts.pg.test.ts: PostgreSQL): which models are served, the verdicts /metrics reads (flagged
// first under a cap), and a page of models' daily counts and latest answered prediction.
import { describe, expect, it } from 'vitest';
import { ulid } from '../../lib/ulid';
import { isPg, type AnyDb } from '../any-db';
import { insertPredictions } from '../pg/queries/log';
import { listStoredVerdictsPg } from '../pg/queries/verdicts';
import { rollupHours as pgRollupHours } from '../pg/schema';
import { type PredictionRecord } from '../prediction-ids';
import { INPUT_CODECS, PREDICTION_SOURCES, rollupHours } from '../schema';
import { move, served } from './outbox.suite';
import { predictionInserter } from './predictions';
import { listServedModels, listStoredVerdicts, readModelTraffic, saveVerdict } from './verdicts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** SQLite's listStoredVerdicts is synchronous (a scrape reads it); PostgreSQL's is listStoredVerdictsPg. */
const storedVerdicts = async (db: AnyDb, limit: number) => (isPg(db) ? listStoredVerdictsPg(db, limit) : listStoredVerdicts(db, limit));

/** An hour of rollups as the fold leaves it (only its count matters here). */
async function rollupHour(db: AnyDb, versionId: number, hour: number, count: number): Promise<void> {
  const row = { versionId, hour, count, latency: Buffer.alloc(4), predictions: { classes: {} } };
  if (isPg(db)) await db.insert(pgRollupHours).values(row);
  else db.insert(rollupHours).values(row).run();
}

/** Logged requests, through each dialect's own log writer. */
async function logRequests(db: AnyDb, rows: { modelId: number; versionId: number; ts: number; source: number }[]): Promise<void> {
  const records: PredictionRecord[] = rows.map((r) => ({
    id: ulid(r.ts),
    modelId: r.modelId,
    versionId: r.versionId,
    alias: null,
    ts: r.ts,
    rows: 1,
    inputCodec: INPUT_CODECS.f32,
    inputs: Buffer.alloc(8),
    labels: null,
    outputValues: null,
    probabilities: null,
    classes: null,
    clientIds: null,
    latencyUs: 100,
    source: r.source,
  }));
  if (isPg(db)) await insertPredictions(db.$client, records, db.partitions);
  else predictionInserter(db)(records);
}

export function verdictsSuite(fresh: () => Promise<AnyDb>): void {
  describe('stored verdicts', () => {
    it('lists the served models and their stored verdicts, flagged first, at most the limit', async () => {
      const db = await fresh();
      const models = [];
      for (const name of ['alpha', 'beta', 'gamma', 'delta']) models.push(await served(db, name));
      const [alpha, beta, gamma, delta] = models;
      for (const m of [alpha, beta, gamma]) await move(db, { modelId: m.model.id, alias: 'production', versionId: m.v1.id, versionNumber: 1, actor: 't' });
      await move(db, { modelId: delta.model.id, alias: 'staging', versionId: delta.v1.id, versionNumber: 1, actor: 't' });
      expect((await listServedModels(db)).map((m) => m.name).sort()).toEqual(['alpha', 'beta', 'gamma']);

      const none = () => [];
      await saveVerdict(db, alpha.model.id, { verdict: { state: 'healthy', version: 1 }, flag: false, reason: null }, none);
      await saveVerdict(db, beta.model.id, { verdict: { state: 'needs_retraining', version: 1 }, flag: true, reason: 'drift' }, none);
      await saveVerdict(db, delta.model.id, { verdict: { state: 'healthy', version: 1 }, flag: false, reason: null }, none);
      // gamma has no verdict yet; delta has no production alias.
      expect(await storedVerdicts(db, 10)).toEqual([
        { name: 'beta', verdict: { state: 'needs_retraining', version: 1 } },
        { name: 'alpha', verdict: { state: 'healthy', version: 1 } },
      ]);
      expect((await storedVerdicts(db, 1)).map((r) => r.name)).toEqual(['beta']);
      expect((await listServedModels(db)).find((m) => m.name === 'beta')).toMatchObject({ needsRetraining: true, retrainingReason: 'drift' });
    });
  });

  describe('readModelTraffic', () => {
    it("sums each model's rollups per UTC day since the cut, and finds its latest prediction that was not a shadow copy", async () => {
      const db = await fresh();
      const a = await served(db, 'a');
      const b = await served(db, 'b');
      const quiet = await served(db, 'quiet');
      const today = Math.floor(Date.now() / DAY) * DAY;
      const since = today - 2 * DAY;
      await rollupHour(db, a.v1.id, since - HOUR, 1000); // before the cut
      await rollupHour(db, a.v1.id, since, 3);
      await rollupHour(db, a.v1.id, since + 5 * HOUR, 4);
      await rollupHour(db, a.v2.id, since + 7 * HOUR, 5);
      await rollupHour(db, a.v2.id, today + HOUR, 6);
      await rollupHour(db, b.v1.id, today, 2);

      const t = today - HOUR;
      await logRequests(db, [
        { modelId: a.model.id, versionId: a.v1.id, ts: t - 60_000, source: PREDICTION_SOURCES.live },
        { modelId: a.model.id, versionId: a.v2.id, ts: t, source: PREDICTION_SOURCES.live },
        { modelId: a.model.id, versionId: a.v1.id, ts: t + 60_000, source: PREDICTION_SOURCES.shadow },
        { modelId: b.model.id, versionId: b.v2.id, ts: t - 1_000, source: PREDICTION_SOURCES.imported },
      ]);

      const traffic = await readModelTraffic(db, [a.model.id, b.model.id, quiet.model.id], since);
      expect([...traffic.keys()]).toEqual([a.model.id, b.model.id, quiet.model.id]);
      expect([...traffic.get(a.model.id)!.days.entries()].sort()).toEqual([
        [since, 12],
        [today, 6],
      ]);
      expect(traffic.get(a.model.id)!.last).toBe(t);
      expect(traffic.get(b.model.id)).toEqual({ days: new Map([[today, 2]]), last: t - 1_000 });
      expect(traffic.get(quiet.model.id)).toEqual({ days: new Map(), last: null });
      expect(await readModelTraffic(db, [], since)).toEqual(new Map());
    });
  });
}
