// The prediction browser over 10 M logged predictions (two versions, 30 days, 1 % labeled): the first
// page and filtered first pages of GET /api/v1/models/{name}/predictions, and a page 100 cursors
// deep. Target: first page < 100 ms. Run alone (`npx tsx scripts/bench/predictions.ts`) or as part
// of `npm run bench` (BENCH_PREDICTIONS=0 skips it).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, pct, startServer, stopServer } from './app-server';
import { closeDatabase, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { findModel } from '../../db/queries/models';
import { inOutcomeTransaction } from '../../db/queries/outcomes';
import { countPredictedRows, predictionId, predictionInserter, type PredictionRecord } from '../../db/queries/predictions';
import { listVersions } from '../../db/queries/versions';
import { INPUT_CODECS, PREDICTION_SOURCES } from '../../db/schema';
import { DEMO_FEATURES, demoRows, seededRandom } from '../../lib/server/demo/generate';
import { DEMO_MODEL_BASE64 } from '../../lib/server/demo/model';
import { catchUpRollups } from '../../lib/server/monitoring/rollup';
import { PredictionIds } from '../../lib/runtime/ids';

const ROOT = join(__dirname, '..', '..');
const DAY = 86_400_000;

export async function benchPredictionBrowser(work: string, opts: { totalRows: number }): Promise<void> {
  const dataDir = join(work, 'browser-data');
  mkdirSync(dataDir, { recursive: true });
  const port = 3412;
  const random = seededRandom(7);
  const now = Date.now();
  const start = now - 30 * DAY;

  let server = await startServer(dataDir, port);
  try {
    await call(port, 'POST', '/api/v1/models', { name: 'browse', task: 'binary_classification', labels: ['stays', 'churns'] });
    for (let v = 0; v < 2; v++) {
      const form = new FormData();
      form.set('file', new Blob([Buffer.from(DEMO_MODEL_BASE64, 'base64')]), 'm.onnx');
      form.set('metadata', JSON.stringify({ feature_names: DEMO_FEATURES }));
      await call(port, 'POST', '/api/v1/models/browse/versions', undefined, form);
    }
    await call(port, 'PUT', '/api/v1/models/browse/aliases/production', { version: 2 });
  } finally {
    await stopServer(server);
  }

  // 100-row requests over 30 days, alternating versions, one outcome per request (1 %).
  const database = openDatabase(dataDir);
  const { db } = database;
  migrateDatabase(db);
  const insert = predictionInserter(db);
  const ids = new PredictionIds();
  const modelId = (await findModel(db, 'browse'))!.id;
  const versionIds = (await listVersions(db, { modelId, includeArchived: true })).map((v) => v.id);
  const perRequest = 100;
  const requests = Math.ceil(opts.totalRows / perRequest);
  const template = demoRows(random, 2000, false);
  const t0 = performance.now();
  for (let b = 0; b < requests; b += 1000) {
    const batch: PredictionRecord[] = [];
    for (let k = b; k < Math.min(requests, b + 1000); k++) {
      const ts = start + Math.floor((k / requests) * 30 * DAY);
      const rows = template.slice((k * 7) % 1900, ((k * 7) % 1900) + perRequest);
      const inputs = new Float32Array(rows.length * 5);
      rows.forEach((r, i) => inputs.set(r.inputs, i * 5));
      const probs = new Float32Array(rows.length * 2);
      rows.forEach((_, i) => {
        const p = random();
        probs[i * 2] = 1 - p;
        probs[i * 2 + 1] = p;
      });
      batch.push({
        id: ids.next(ts),
        modelId,
        versionId: versionIds[k % 2],
        alias: 'production',
        ts,
        rows: rows.length,
        inputCodec: INPUT_CODECS.f32,
        inputs: Buffer.from(inputs.buffer),
        labels: JSON.stringify(rows.map((_, i) => (probs[i * 2 + 1] >= 0.5 ? 'churns' : 'stays'))),
        outputValues: null,
        probabilities: Buffer.from(probs.buffer),
        classes: '["stays","churns"]',
        clientIds: null,
        latencyUs: 200 + Math.floor(random() * 800),
        source: PREDICTION_SOURCES.live,
      });
    }
    insert(batch);
    inOutcomeTransaction(db, (outcomes) => {
      for (const r of batch) {
        outcomes.upsertOutcome({
          predictionId: predictionId(r.id, 0),
          modelId,
          versionId: r.versionId,
          predTs: r.ts,
          label: random() < 0.5 ? 'churns' : 'stays',
          value: null,
          ts: r.ts + 3_600_000,
        });
      }
    });
  }
  const fillS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  catchUpRollups(db);
  const total = await countPredictedRows(db);
  console.log(
    `\nPrediction browser: ${total.toLocaleString()} predictions logged in ${fillS.toFixed(1)} s (rollups folded in ${((performance.now() - t1) / 1000).toFixed(1)} s)`,
  );
  closeDatabase(database);

  server = await startServer(dataDir, port);
  try {
    const base = '/api/v1/models/browse/predictions';
    const measure = async (label: string, path: string) => {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 12; i++) {
        const t = performance.now();
        const page = (await call(port, 'GET', path)) as { predictions: unknown[] };
        if (i >= 2) times.push(performance.now() - t);
        rows = page.predictions.length;
      }
      times.sort((a, b) => a - b);
      console.log(`  ${label.padEnd(44)} ${String(rows).padStart(3)} rows: p50 ${pct(times, 0.5).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
      return times[times.length - 1];
    };
    const first = await measure('first page (all versions, limit 50)', base);
    await measure('first page, limit 200', `${base}?limit=200`);
    await measure('first page, version=1', `${base}?version=1`);
    await measure('first page, alias=production', `${base}?alias=production`);
    await measure('first page, labeled=true', `${base}?labeled=true`);
    await measure('first page, labeled=false', `${base}?labeled=false`);
    const mid = new Date(start + 15 * DAY).toISOString();
    await measure('first page, to = 15 days ago', `${base}?to=${mid}`);
    // 100 pages deep through the cursor, then that page timed.
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++)
      cursor = ((await call(port, 'GET', `${base}?limit=200${cursor ? `&cursor=${cursor}` : ''}`)) as { next_cursor: string }).next_cursor;
    await measure('page 101 (20 000 rows deep, cursor)', `${base}?limit=200&cursor=${cursor}`);
    console.log(`  target: first page < 100 ms ${first < 100 ? 'met' : 'MISSED'}`);
  } finally {
    await stopServer(server);
  }
}

if (require.main === module) {
  benchPredictionBrowser(join(ROOT, '.test-data', `bench-browser-${Date.now()}`), { totalRows: Number(process.env.BENCH_TOTAL_ROWS ?? 10_000_000) }).catch(
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
