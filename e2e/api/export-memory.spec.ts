// The export streams: a million logged predictions leave the server as CSV and as Parquet while its
// memory stays bounded. The server runs with its V8 heap capped at 192 MB, which holds the app at
// rest but not a buffered export (a million row objects, or the 85 MB CSV as one string, would end
// it out of memory), and its resident memory may rise by less than the CSV's own size. On its own
// server (the RSS is that process's alone), with the rows written straight into its log and folded
// by its rollups before anything is measured.
import { expect, test } from '@playwright/test';
import { createWriteStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client';
import { predictionInserter, type PredictionRecord } from '../../db/queries/predictions';
import { fixture } from '../fixtures';
import { AUTH, api, freePort, freshDataDir, killServer, rssMb, setupModel, sleep, startServer, stopAllServers, type Server } from './server-process';

test.describe.configure({ mode: 'serial' });
test.afterAll(stopAllServers);

const ROWS = 1_000_000;
const HEAP_CAP_MB = 192;
const PER_REQUEST = 100;
const DAY = 86_400_000;

/** 1 M rows of the 4-feature logits model, 100 a request over the last 10 days, written to the log as the server would. */
function seed(dataDir: string): { from: number; step: number } {
  const handle = openDatabase(dataDir);
  const db = handle.db.$client;
  const insert = predictionInserter(handle.db);
  const ids = db.prepare("SELECT m.id AS model, v.id AS version FROM models m JOIN model_versions v ON v.model_id = m.id WHERE m.name = 'mem'").get() as {
    model: number;
    version: number;
  };
  const requests = ROWS / PER_REQUEST;
  const from = Date.now() - 10 * DAY;
  const step = Math.floor((10 * DAY - 60_000) / requests);
  const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const id = (k: number) =>
    `01${String(k)
      .padStart(24, '0')
      .split('')
      .map((d) => B32[Number(d)])
      .join('')}`;
  for (let b = 0; b < requests; b += 1000) {
    const batch: PredictionRecord[] = [];
    for (let k = b; k < b + 1000; k++) {
      const inputs = new Float32Array(PER_REQUEST * 4).map((_, i) => ((k * 7 + i) % 97) / 10);
      const probs = new Float32Array(PER_REQUEST * 2).map((_, i) => (i % 2 ? 0.25 : 0.75));
      batch.push({
        id: id(k),
        modelId: ids.model,
        versionId: ids.version,
        alias: 'production',
        ts: from + k * step,
        rows: PER_REQUEST,
        inputCodec: 1,
        inputs: Buffer.from(inputs.buffer),
        labels: JSON.stringify(Array(PER_REQUEST).fill('0')),
        outputValues: null,
        probabilities: Buffer.from(probs.buffer),
        classes: '["0","1"]',
        clientIds: null,
        latencyUs: 300,
        source: 0,
      });
    }
    insert(batch);
  }
  closeDatabase(handle);
  return { from, step };
}

/** Streams an export to a file while sampling the server's RSS; returns the bytes, the time and the peak RSS. */
async function exportTo(server: Server, query: string, file: string): Promise<{ bytes: number; seconds: number; peakMb: number }> {
  let peakMb = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakMb = Math.max(peakMb, rssMb(server.pid) ?? 0);
      await sleep(25);
    }
  })();
  const t0 = performance.now();
  const res = await fetch(`${server.base}/api/v1/models/mem/predictions/export?${query}`, { headers: AUTH });
  expect(res.status).toBe(200);
  const out = createWriteStream(file);
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (!out.write(value)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const seconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;
  return { bytes, seconds, peakMb };
}

test('a 1 M-row export streams as CSV and Parquet with flat server memory', async ({}, testInfo) => {
  test.setTimeout(600_000);
  const dataDir = freshDataDir('export-memory');
  let server = await startServer(dataDir, await freePort());
  await setupModel(server, 'mem', [fixture('logits-binary.onnx')], 'binary_classification');
  await killServer(server, 'SIGTERM');
  const { from, step } = seed(dataDir);
  server = await startServer(dataDir, server.port, { NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` });
  // The server at rest: its rollup worker has folded the million rows in.
  await expect
    .poll(
      async () => {
        const mon = await api(server, 'GET', '/api/v1/models/mem/monitoring?bucket=day');
        return (mon.json.series as { count: number }[]).reduce((a, w) => a + w.count, 0);
      },
      { timeout: 300_000, intervals: [1000] },
    )
    .toBe(ROWS);

  const dir = join(testInfo.outputDir, 'exports');
  mkdirSync(dir, { recursive: true });
  // Warm up (modules, statements) with a few rows, then the resting RSS.
  await exportTo(server, `format=csv&to=${new Date(from + 10 * step).toISOString()}`, join(dir, 'warm.csv'));
  await exportTo(server, `format=parquet&to=${new Date(from + 10 * step).toISOString()}`, join(dir, 'warm.parquet'));
  await sleep(1000);
  const restMb = rssMb(server.pid)!;
  const csv = await exportTo(server, 'format=csv', join(dir, 'all.csv'));
  const parquet = await exportTo(server, 'format=parquet', join(dir, 'all.parquet'));
  expect((await api(server, 'GET', '/api/health')).status).toBe(200);

  const lines = readFileSync(join(dir, 'all.csv'), 'utf8').split('\n');
  expect(lines[0]).toBe('id,ts,version,x0,x1,x2,x3,prediction,probability_0,probability_1,actual');
  expect(lines.length).toBe(ROWS + 2); // header, rows, and the final newline
  const { parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const file = readFileSync(join(dir, 'all.parquet'));
  const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer;
  const meta = await parquetMetadataAsync(ab);
  expect(Number(meta.num_rows)).toBe(ROWS);
  const last = await parquetReadObjects({ file: ab, rowStart: ROWS - 1, rowEnd: ROWS });
  expect(last[0]).toMatchObject({ version: 1, prediction: '0', probability_0: 0.75, probability_1: 0.25, actual: null });

  const line = (label: string, r: { bytes: number; seconds: number; peakMb: number }) =>
    `${label}: ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s, peak ${r.peakMb.toFixed(0)} MB RSS (+${(r.peakMb - restMb).toFixed(0)})`;
  const report = [
    `server at rest, ${ROWS.toLocaleString()} rows logged, V8 heap capped at ${HEAP_CAP_MB} MB: ${restMb.toFixed(0)} MB RSS`,
    line('CSV, 1 000 000 rows', csv),
    line('Parquet, 1 000 000 rows', parquet),
  ].join('\n');
  console.log(`[export-memory]\n${report}`);
  await testInfo.attach('export-memory', { body: report, contentType: 'text/plain' });
  expect(statSync(join(dir, 'all.csv')).size).toBe(csv.bytes);
  // Streamed, not buffered: the resident memory rises by less than the CSV itself weighs.
  expect(csv.peakMb - restMb).toBeLessThan(csv.bytes / 1e6);
  expect(parquet.peakMb - restMb).toBeLessThan(csv.bytes / 1e6);
});
