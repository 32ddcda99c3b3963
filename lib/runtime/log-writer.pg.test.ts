// Nothing acknowledged is lost on PostgreSQL: the group-commit log writer over the PostgreSQL insert
// (db/pg/queries/log.ts) under steady load while the server is restarted twice — a clean fast
// shutdown, then an immediate one (a crash: recovery from the WAL on start). Every write that was
// answered is in the table afterwards; writes fail only while the server is down, and the pool's
// next connections succeed once it is back.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../../db/pg/client';
import { migratePg } from '../../db/pg/migrate';
import { insertPredictions } from '../../db/pg/queries/log';
import type { PredictionRecord } from '../../db/prediction-ids';
import { INPUT_CODECS } from '../../db/schema';
import { ulid } from '../ulid';
import { LogWriter } from './log-writer';
import { startCluster, type Cluster } from '../../scripts/pg/cluster';

let cluster: Cluster;
let handle: PgHandle;
let versionId: number;
let modelId: number;

beforeAll(async () => {
  // A cluster of its own: the suite's shared one must not restart under other test files.
  cluster = await startCluster();
  handle = openPg(cluster.url, { max: 8 });
  await migratePg(handle.pool);
  const now = Date.now();
  modelId = (await handle.pool.query(`INSERT INTO models (name, task, created_at, updated_at) VALUES ('m', 'regression', $1, $1) RETURNING id`, [now])).rows[0]
    .id as number;
  versionId = (
    await handle.pool.query(
      `INSERT INTO model_versions (model_id, number, sha256, size_bytes, signature, created_at, created_by) VALUES ($1, 1, 'ab', 1, '{}'::jsonb, $2, 't') RETURNING id`,
      [modelId, now],
    )
  ).rows[0].id as number;
}, 60_000);

afterAll(async () => {
  await closePg(handle).catch(() => {});
  cluster.stop('immediate');
});

function record(): PredictionRecord {
  const now = Date.now();
  return {
    id: ulid(now),
    modelId,
    versionId,
    alias: null,
    ts: now,
    rows: 1,
    inputCodec: INPUT_CODECS.f64,
    inputs: Buffer.alloc(8),
    labels: null,
    outputValues: Buffer.alloc(8),
    probabilities: null,
    classes: null,
    clientIds: null,
    latencyUs: 100,
    source: 0,
  };
}

describe('the PostgreSQL log writer across server restarts', () => {
  it('keeps every acknowledged write through a fast and an immediate restart', async () => {
    const writer = new LogWriter((records) => insertPredictions(handle.pool, records, handle.db.partitions));
    const acked: string[] = [];
    const failures: number[] = [];
    const downs: [number, number][] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const r = record();
        try {
          await writer.write(r);
          acked.push(r.id);
        } catch {
          failures.push(Date.now());
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    for (const mode of ['fast', 'immediate']) {
      await new Promise((res) => setTimeout(res, 700));
      const before = acked.length;
      const t0 = Date.now();
      await cluster.restartAsync(mode, 300);
      downs.push([t0, Date.now()]);
      expect(acked.length).toBeGreaterThan(before - 1);
      // Back to acknowledging within a few seconds of the restart.
      const back = acked.length;
      for (let i = 0; i < 100 && acked.length === back; i++) await new Promise((res) => setTimeout(res, 50));
      expect(acked.length, `writes resume after the ${mode} restart`).toBeGreaterThan(back);
    }
    await new Promise((res) => setTimeout(res, 500));
    stop = true;
    await Promise.all(clients);
    expect(acked.length).toBeGreaterThan(500);
    expect(failures.length).toBeGreaterThan(0);
    // Failures happen only around the restarts (the pool notices a dead connection on its next use).
    const stray = failures.filter((t) => !downs.some(([a, b]) => t >= a - 100 && t <= b + 3000));
    expect(stray).toEqual([]);
    // Every acknowledged write is there, read through a fresh connection.
    const check = new pg.Client(cluster.url);
    await check.connect();
    const { rows } = await check.query<{ id: string }>('SELECT id FROM prediction_requests WHERE id = ANY($1::text[])', [acked]);
    await check.end();
    expect(rows.length).toBe(acked.length);
  }, 90_000);
});
