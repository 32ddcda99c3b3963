// The fleet's verdict sweep on PostgreSQL: one replica per interval claims it, and it finds the
// models with traffic folded since the previous sweep by the fold's xid watermark (SQLite: rowid).
import { describe, expect, it } from 'vitest';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../schema';
import { ulid } from '../../../lib/ulid';
import { freshPgDb } from '../test-pg';
import type { PgDb } from '../client';
import { insertPredictions } from './log';
import { foldByHorizon } from './rollups';
import { claimVerdictSweepPg, finishVerdictSweepPg } from './verdicts';

async function servedModel(db: PgDb, name: string): Promise<{ modelId: number; versionId: number }> {
  const now = Date.now();
  const modelId = (
    await db.$client.query<{ id: number }>(`INSERT INTO models (name, task, created_at, updated_at) VALUES ($1, 'regression', $2, $2) RETURNING id`, [
      name,
      now,
    ])
  ).rows[0].id;
  const versionId = (
    await db.$client.query<{ id: number }>(
      `INSERT INTO model_versions (model_id, number, sha256, size_bytes, signature, created_at, created_by)
       VALUES ($1, 1, 'ab', 1, '{"inputs":[],"outputs":[]}'::jsonb, $2, 'test') RETURNING id`,
      [modelId, now],
    )
  ).rows[0].id;
  return { modelId, versionId };
}

/** Moves the fold's watermark past everything committed (the hours themselves are not this test's subject). */
async function fold(db: PgDb): Promise<void> {
  while ((await foldByHorizon(db, 5000, 20_000, () => Promise.resolve([]), { wait: true })).more);
}

async function log(db: PgDb, m: { modelId: number; versionId: number }): Promise<void> {
  const at = Date.now();
  await insertPredictions(
    db.$client,
    [
      {
        id: ulid(at),
        modelId: m.modelId,
        versionId: m.versionId,
        alias: 'production',
        ts: at,
        rows: 1,
        inputCodec: INPUT_CODECS.f32,
        inputs: Buffer.from(new Float32Array([1]).buffer),
        labels: null,
        outputValues: Buffer.from(new Float64Array([2]).buffer),
        probabilities: null,
        classes: null,
        clientIds: null,
        latencyUs: 100,
        source: PREDICTION_SOURCES.live,
      },
    ],
    new Set(),
  );
}

describe('verdict sweep on PostgreSQL', () => {
  it('one replica per interval sweeps; the next finds the models with traffic folded since, by xid', async () => {
    const db = await freshPgDb();
    const a = await servedModel(db, 'a');
    const b = await servedModel(db, 'b');

    const first = await claimVerdictSweepPg(db, 60_000);
    expect(first).toMatchObject({ since: null, touched: [] });
    // Four other replicas within the interval: none sweeps.
    expect(await Promise.all([0, 1, 2, 3].map(() => claimVerdictSweepPg(db, 60_000)))).toEqual([null, null, null, null]);
    await finishVerdictSweepPg(db, first!.mark);

    await log(db, a);
    await fold(db);
    const second = await claimVerdictSweepPg(db, 0);
    expect(second!.since).toBe(first!.mark);
    expect(second!.touched).toEqual([a.modelId]);

    // A sweep that died before finishing leaves the old mark: the next one sees its models again.
    await log(db, b);
    await fold(db);
    const third = await claimVerdictSweepPg(db, 0);
    expect(third!.since).toBe(first!.mark);
    expect(third!.touched.sort()).toEqual([a.modelId, b.modelId].sort());
    await finishVerdictSweepPg(db, third!.mark);

    // Logged but not yet folded: left for the sweep after the fold.
    await log(db, b);
    expect((await claimVerdictSweepPg(db, 0))!.touched).toEqual([]);
  });
});
