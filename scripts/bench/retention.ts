// Retention on a large log: `npx tsx scripts/bench/retention.ts [requests]` (default 1 000 000 single-row
// requests with client ids and one outcome in ten, spread over 100 days; retention 10 days prunes ~90 %).
// Reports the prune rate, the longest write lock one batch held (what a serving commit may wait), the
// file before and after (incremental vacuum, WAL truncated), and how long the storage panel's count and a
// full VACUUM (the one-time conversion of an old database) take on the full file.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkpoint } from '../../db/checkpoint';
import { closeDatabase, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { insertModel, updatePolicy } from '../../db/queries/models';
import { inOutcomeTransaction } from '../../db/queries/outcomes';
import { predictionId, predictionInserter, type PredictionRecord } from '../../db/queries/predictions';
import { convertToIncrementalVacuum, fileSizes, logTotals } from '../../db/queries/retention';
import { insertVersion } from '../../db/queries/versions';
import { PredictionIds } from '../../lib/runtime/ids';
import { catchUpRollups } from '../../lib/server/monitoring/rollup';
import { RetentionSweep } from '../../lib/server/monitoring/retention';

const DAY = 86_400_000;
const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  const dir = join(process.cwd(), '.test-data', `bench-retention-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  const handle = openDatabase(dir);
  const { db } = handle;
  migrateDatabase(db);
  const model = await insertModel(db, { name: 'bench', task: 'regression', description: '', labels: null, actor: 'bench' });
  const version = await insertVersion(db, {
    modelId: model.id,
    sha256: 'b'.repeat(64),
    sizeBytes: 1,
    signature: { inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 3], is_tensor: true }], outputs: [], ir_version: 8, opsets: [], producer: 'bench' },
    featureNames: null,
    metrics: {},
    output: null,
    reference: null,
    profile: null,
    description: '',
    source: '',
    actor: 'bench',
  });
  const now = Date.now();
  const ids = new PredictionIds();
  const insert = predictionInserter(db);
  const t0 = performance.now();
  for (let done = 0; done < total;) {
    const batch: PredictionRecord[] = [];
    for (let i = 0; i < 5000 && done < total; i++, done++) {
      const ts = now - 100 * DAY + Math.floor((done / total) * 100 * DAY);
      const inputs = Buffer.alloc(12);
      inputs.writeFloatLE(done % 97, 0);
      inputs.writeFloatLE(done % 13, 4);
      inputs.writeFloatLE(1, 8);
      const out = Buffer.alloc(8);
      out.writeDoubleLE(done % 7, 0);
      batch.push({
        id: ids.at(ts),
        modelId: model.id,
        versionId: version.id,
        alias: 'production',
        ts,
        rows: 1,
        inputCodec: 1,
        inputs,
        labels: null,
        outputValues: out,
        probabilities: null,
        classes: null,
        clientIds: [`customer-${done % 200_000}`],
        latencyUs: 300,
        source: 0,
      });
    }
    insert(batch);
    inOutcomeTransaction(db, (st) => {
      for (const r of batch.filter((_, i) => i % 10 === 0))
        st.upsertOutcome({ predictionId: predictionId(r.id, 0), modelId: model.id, versionId: version.id, predTs: r.ts, label: null, value: 1, ts: r.ts });
    });
  }
  console.log(`logged ${total} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const f0 = performance.now();
  catchUpRollups(db);
  console.log(`rollups folded in ${((performance.now() - f0) / 1000).toFixed(1)} s`);
  checkpoint(db, 'TRUNCATE');

  const c0 = performance.now();
  const totals = logTotals(db);
  console.log(`storage panel count (${totals.requests} requests, ${totals.outcomes} outcomes): ${(performance.now() - c0).toFixed(0)} ms`);
  const before = fileSizes(handle.path).db;
  const v0 = performance.now();
  convertToIncrementalVacuum(db);
  checkpoint(db, 'TRUNCATE');
  console.log(`VACUUM of the ${mb(before)} file (the one-time conversion of an old database): ${((performance.now() - v0) / 1000).toFixed(1)} s`);

  await updatePolicy(db, { model, policy: { retention_days: 10 }, actor: 'bench' });
  const sweep = new RetentionSweep(db, null);
  const longest = { prune: 0, vacuum: 0 };
  const steps = { prune: 0, vacuum: 0 };
  const s0 = performance.now();
  for (;;) {
    const pruned = sweep.record().requests;
    const b0 = performance.now();
    const more = sweep.step();
    const kind = sweep.record().requests > pruned ? 'prune' : 'vacuum';
    longest[kind] = Math.max(longest[kind], performance.now() - b0);
    steps[kind]++;
    if (!more) break;
  }
  const record = sweep.record();
  checkpoint(db, 'TRUNCATE');
  const after = fileSizes(handle.path).db;
  const seconds = (performance.now() - s0) / 1000;
  console.log(
    `pruned ${record.rows} predictions (${record.requests} requests) in ${seconds.toFixed(1)} s, ${Math.round(record.rows / seconds)} rows/s, ` +
      `${steps.prune} prune batches (longest ${longest.prune.toFixed(1)} ms), ${steps.vacuum} vacuum steps (longest ${longest.vacuum.toFixed(1)} ms); ` +
      `file ${mb(before)} → ${mb(after)} (${mb(record.freedBytes)} returned)`,
  );
  closeDatabase(handle);
  rmSync(dir, { recursive: true, force: true });
}

void main();
