// A binary model exported with int64 classes 0/1 and declared labels ["malignant", "benign"]:
// outcomes (JSON, and the strings a CSV carries), imported predictions and actuals name a class by
// its label, its graph class value or a boolean, all stored as the label; anything else is refused
// with a message listing the accepted forms.
import { expect, test } from '@playwright/test';
import { servedModel } from './serving-helpers';

const LABELS = ['malignant', 'benign'];

test('outcomes accept the label, the graph class value and booleans, stored as the label', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'classes', task: 'binary_classification', file: 'skl-binary-int.onnx', labels: LABELS });
  // class 1 (benign) iff x0 > 0.
  const rows = [
    [1, 0],
    [-1, 0],
    [2, 0],
    [-2, 0],
    [3, 0],
    [-3, 0],
    [4, 0],
  ];
  const res = await request.post(`/api/v1/models/${name}/predict`, { data: { instances: rows } });
  expect(res.status(), await res.text()).toBe(200);
  const answer = await res.json();
  expect(answer.predictions).toEqual(['benign', 'malignant', 'benign', 'malignant', 'benign', 'malignant', 'benign']);
  expect(Object.keys(answer.probabilities[0])).toEqual(LABELS);
  const ids: string[] = answer.prediction_ids;
  // As JSON a client sends them, and as a CSV upload carries them (text).
  const actuals = [1, 0, true, false, '1', 'FALSE', 'benign'];
  const out = await request.post('/api/v1/outcomes', { data: { outcomes: ids.map((id, i) => ({ prediction_id: id, actual: actuals[i] })) } });
  expect(out.status(), await out.text()).toBe(200);
  expect(await out.json()).toEqual({ accepted: 7, updated: 0, unknown: [], invalid: [] });
  const logged = await (await request.get('/api/v1/predictions', { params: { ids: ids.join(',') } })).json();
  expect(logged.predictions.map((p: { outcome: { actual: string } }) => p.outcome.actual)).toEqual([
    'benign',
    'malignant',
    'benign',
    'malignant',
    'benign',
    'malignant',
    'benign',
  ]);
  // Every prediction matches its outcome: the mapping is the same class, not a new one.
  const mon = await (await request.get(`/api/v1/models/${name}/monitoring`, { params: { bucket: 'day' } })).json();
  const today = mon.series[mon.series.length - 1];
  expect(today.labeled).toBe(7);
  expect(today.metrics.accuracy).toBe(1);
});

test('a value that names no class is refused with the accepted forms', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'classesbad', task: 'binary_classification', file: 'skl-binary-int.onnx', labels: LABELS });
  const { prediction_ids: ids } = await (
    await request.post(`/api/v1/models/${name}/predict`, {
      data: {
        instances: [
          [1, 0],
          [1, 0],
        ],
      },
    })
  ).json();
  const out = await (
    await request.post('/api/v1/outcomes', {
      data: {
        outcomes: [
          { prediction_id: ids[0], actual: 2 },
          { prediction_id: ids[1], actual: 'Benign' },
        ],
      },
    })
  ).json();
  const forms = "give a label (malignant, benign), the graph's class value (0, 1) or true/false (true is benign)";
  expect(out.invalid).toEqual([
    { index: 0, message: `actual: "2" is not one of the model's labels; ${forms}` },
    { index: 1, message: `actual: "Benign" is not one of the model's labels; ${forms}` },
  ]);
});

test('imports take the same forms for prediction and actual, stored as labels', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'classesimport', task: 'binary_classification', file: 'skl-binary-int.onnx', labels: LABELS });
  const ts = Date.now() - 3_600_000;
  const res = await request.post(`/api/v1/models/${name}/versions/1/predictions/import`, {
    data: {
      records: [
        { ts, inputs: [1, 0], prediction: 1, actual: true },
        { ts, inputs: [-1, 0], prediction: false, actual: '0' },
        { ts, inputs: [1, 0], prediction: 'benign', actual: 0 },
      ],
    },
  });
  expect(res.status(), await res.text()).toBe(200);
  const { prediction_ids: ids } = await res.json();
  const logged = (await (await request.get('/api/v1/predictions', { params: { ids: ids.join(',') } })).json()).predictions;
  expect(logged.map((p: { prediction: string; outcome: { actual: string } }) => [p.prediction, p.outcome.actual])).toEqual([
    ['benign', 'benign'],
    ['malignant', 'malignant'],
    ['benign', 'malignant'],
  ]);
  const bad = await request.post(`/api/v1/models/${name}/versions/1/predictions/import`, { data: { records: [{ ts, inputs: [1, 0], prediction: 7 }] } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).errors[0]).toEqual({ path: 'records[0].prediction', message: expect.stringContaining("the graph's class value (0, 1)") });
});
