// GET /api/v1/models/{name}/predictions/export: one row per prediction (id, ts, version, input
// columns by name, prediction, probability per class, actual) as CSV or as Parquet that reads back
// with a Parquet reader; labeled=true keeps the rows with outcomes; versions with other inputs
// share one file.
import { expect, test } from '@playwright/test';
import { parseCsv } from '../../lib/csv';
import { fixture, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem } from './helpers';
import { servedModel } from './serving-helpers';

test('CSV and Parquet hold the same rows: named inputs, prediction, probabilities, actual', async ({ request }) => {
  const name = await servedModel(request, {
    prefix: 'export',
    task: 'binary_classification',
    file: 'logits-binary.onnx',
    labels: ['no', 'yes'],
    metadata: { feature_names: ['tenure', 'spend', 'calls', 'age'] },
  });
  const rows = [
    [0, 1, 0, 0],
    [1, 0, 0.5, 0],
    [2, 3, 0, 1],
  ];
  const res = await request.post(`/api/v1/models/${name}/predict`, { data: { instances: rows, ids: ['c1', 'c2', 'c3'] } });
  const answer = await res.json();
  expect(
    (await (await request.post('/api/v1/outcomes', { data: { outcomes: [{ prediction_id: answer.prediction_ids[1], actual: 'yes' }] } })).json()).accepted,
  ).toBe(1);

  const csvRes = await request.get(`/api/v1/models/${name}/predictions/export`, { params: { format: 'csv' } });
  expect(csvRes.status(), await csvRes.text()).toBe(200);
  expect(csvRes.headers()['content-type']).toContain('text/csv');
  expect(csvRes.headers()['content-disposition']).toMatch(new RegExp(`^attachment; filename="${name}-predictions-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
  const [header, ...lines] = parseCsv(await csvRes.text());
  expect(header).toEqual(['id', 'ts', 'version', 'tenure', 'spend', 'calls', 'age', 'prediction', 'probability_no', 'probability_yes', 'actual']);
  expect(lines).toHaveLength(3);
  // Oldest first: a request's rows in row order.
  expect(lines.map((l) => l[0])).toEqual(answer.prediction_ids);
  lines.forEach((l, i) => {
    expect(l.slice(2, 7)).toEqual(['1', ...rows[i].map(String)]);
    expect(l[7]).toBe(answer.predictions[i]);
    expect(Number(l[8])).toBeCloseTo(answer.probabilities[i].no, 5);
    expect(Number(l[9])).toBeCloseTo(answer.probabilities[i].yes, 5);
  });
  expect(lines.map((l) => l[10])).toEqual(['', 'yes', '']);
  expect(new Date(lines[0][1]).toISOString()).toBe(lines[0][1]);

  const pq = await request.get(`/api/v1/models/${name}/predictions/export`, { params: { format: 'parquet' } });
  expect(pq.status()).toBe(200);
  expect(pq.headers()['content-type']).toBe('application/vnd.apache.parquet');
  const bytes = await pq.body();
  expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
  const { parquetReadObjects } = await import('hyparquet');
  const objects = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer });
  expect(objects).toHaveLength(3);
  objects.forEach((o, i) => {
    expect(o).toMatchObject({
      id: answer.prediction_ids[i],
      version: 1,
      tenure: rows[i][0],
      spend: rows[i][1],
      calls: rows[i][2],
      age: rows[i][3],
      prediction: answer.predictions[i],
    });
    expect((o.ts as Date).toISOString()).toBe(lines[i][1]);
    expect(o.probability_yes as number).toBeCloseTo(answer.probabilities[i].yes, 5);
  });
  expect(objects.map((o) => o.actual)).toEqual([null, 'yes', null]);

  const labeled = parseCsv(await (await request.get(`/api/v1/models/${name}/predictions/export`, { params: { labeled: 'true' } })).text());
  expect(labeled.slice(1).map((l) => [l[0], l[10]])).toEqual([[answer.prediction_ids[1], 'yes']]);
});

test('versions with other inputs share one file; tensors are JSON; bad parameters are 400', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'exportmix', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['cat', 'dog'] });
  expect((await uploadVersion(request, name, fixture('cnn-4d.onnx'))).status()).toBe(201);
  expect((await request.post(`/api/v1/models/${name}/predict`, { data: { instances: [[1, 2, 3, 4]] } })).status()).toBe(200);
  const image = [
    [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ],
  ];
  expect((await request.post(`/api/v1/models/${name}/versions/2/predict`, { data: { inputs: { image: [image] } } })).status()).toBe(200);
  const [header, v1, v2] = parseCsv(await (await request.get(`/api/v1/models/${name}/predictions/export`)).text());
  expect(header).toEqual(['id', 'ts', 'version', 'x0', 'x1', 'x2', 'x3', 'image', 'prediction', 'probability_cat', 'probability_dog', 'actual']);
  expect(v1.slice(2, 8)).toEqual(['1', '1', '2', '3', '4', '']);
  expect(v2.slice(2, 8)).toEqual(['2', '', '', '', '', JSON.stringify(image)]);

  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions/export`, { params: { format: 'xlsx' } }), 400))).toEqual([
    'format',
  ]);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions/export`, { params: { version: 7 } }), 404))).toEqual(['version']);
});
