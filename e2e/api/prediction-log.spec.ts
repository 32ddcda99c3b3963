// GET /api/v1/predictions[/{id}]: the log read back one row at a time, whatever the batch size.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';

async function servedRegressor(request: APIRequestContext) {
  const name = uniqueName('log');
  await createModel(request, { name, task: 'regression' });
  expect((await uploadVersion(request, name, fixture('regressor.onnx'), { feature_names: ['a', 'b', 'c'] })).status()).toBe(201);
  expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
  return name;
}

test('each row of a batch reads back with its own inputs, answer and client id', async ({ request }) => {
  const name = await servedRegressor(request);
  const res = await request.post(`/api/v1/models/${name}/predict`, {
    data: {
      instances: [
        [1, 2, 3],
        [0, 0, 1],
        [2, 0, 0],
      ],
      ids: ['c-1', 'c-2', 'c-3'],
    },
  });
  expect(res.status()).toBe(200);
  const { prediction_ids: ids } = await res.json();
  const one = await request.get(`/api/v1/predictions/${ids[1]}`);
  expect(one.status()).toBe(200);
  const { prediction } = await one.json();
  // y = x·[1, 2, 3] + 0.5 → [0, 0, 1] gives 3.5.
  expect(prediction).toMatchObject({
    id: ids[1],
    model: name,
    version: 1,
    alias: 'production',
    client_id: 'c-2',
    source: 'live',
    inputs: [0, 0, 1],
    input_encoding: 'float32',
    prediction: 3.5,
    probabilities: null,
  });
  expect(Date.parse(prediction.ts)).toBeGreaterThan(Date.now() - 60_000);
  expect(prediction.latency_ms).toBeGreaterThan(0);

  const list = await request.get('/api/v1/predictions', { params: { ids: [ids[2], ids[0]].join(',') } });
  const { predictions } = await list.json();
  expect(predictions.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[0]]);
  expect(predictions.map((p: { prediction: number }) => p.prediction)).toEqual([2.5, 14.5]);
});

test('unknown and malformed ids: 404 for one, left out of a list, 400 when not an id', async ({ request }) => {
  const name = await servedRegressor(request);
  const {
    prediction_ids: [id],
  } = await (await request.post(`/api/v1/models/${name}/predict`, { data: { instances: [[1, 1, 1]] } })).json();
  // Same request, a row it does not have.
  const beyond = `${id.slice(0, 26)}001`;
  expect((await request.get(`/api/v1/predictions/${beyond}`)).status()).toBe(404);
  const missing = await request.get('/api/v1/predictions/01KAAAAAAAAAAAAAAAAAAAAAAA000');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).errors[0].path).toBe('id');
  const bad = await request.get('/api/v1/predictions/not-an-id');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).errors[0].path).toBe('id');
  const list = await request.get('/api/v1/predictions', { params: { ids: `${id},${beyond}` } });
  expect((await list.json()).predictions.map((p: { id: string }) => p.id)).toEqual([id]);
  expect((await request.get('/api/v1/predictions')).status()).toBe(400);
});
