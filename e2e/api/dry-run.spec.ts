// "dry_run": true (REST) and parameters.dry_run (V2) answer as usual and log nothing: no
// prediction ids, nothing in the log, no shadow copies; a non-boolean is a 400 naming the field.
import { expect, test } from '@playwright/test';
import { expectProblem } from './helpers';
import { drainShadow, getShadow, putShadow } from './experiments-helpers';
import { addVersion, loggedCount, postPredict, regress, servedModel } from './serving-helpers';

test('REST: a dry run answers the same predictions without ids and logs nothing', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'dry', task: 'regression', file: 'regressor.onnx' });
  const rows = [
    [1, 2, 3],
    [0, 0, 1],
  ];
  const dry = await postPredict(request, name, { instances: rows, dry_run: true });
  expect(dry.status(), await dry.text()).toBe(200);
  const body = await dry.json();
  expect(body.predictions[0]).toBeCloseTo(regress(rows[0]), 4);
  expect(body.predictions[1]).toBeCloseTo(regress(rows[1]), 4);
  expect(body).toMatchObject({ dry_run: true, model: { name, version: 1, alias: 'production' } });
  expect(body.prediction_ids).toBeUndefined();
  expect(loggedCount(name)).toBe(0);
  // dry_run: false is an ordinary, logged request.
  const real = await postPredict(request, name, { instances: rows, dry_run: false });
  expect((await real.json()).prediction_ids).toHaveLength(2);
  expect(loggedCount(name)).toBe(2);
  expect((await (await request.get(`/api/v1/models/${name}/predictions`)).json()).predictions).toHaveLength(2);
});

test('V2: parameters.dry_run answers without prediction ids and logs nothing', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'dryv2', task: 'regression', file: 'regressor.onnx' });
  const res = await request.post(`/v2/models/${name}/infer`, {
    data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }], parameters: { dry_run: true } },
  });
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  expect(body.parameters).toEqual({ dry_run: true });
  expect(body.outputs[0].data[0]).toBeCloseTo(regress([1, 2, 3]), 4);
  expect(loggedCount(name)).toBe(0);
});

test('a dry run of production is not copied to its shadows', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'dryshadow', task: 'regression', file: 'regressor.onnx' });
  expect(await addVersion(request, name, 'regressor-b.onnx')).toBe(2);
  await putShadow(request, name, [2]);
  expect((await postPredict(request, name, { instances: [[1, 1, 1]], dry_run: true })).status()).toBe(200);
  expect((await postPredict(request, name, { instances: [[2, 2, 2]] })).status()).toBe(200);
  const shadow = await drainShadow(request, name);
  // Only the logged request was queued, and its copy is the only shadow row.
  expect(shadow.queued).toBe(1);
  expect((await getShadow(request, name)).logged).toBe(1);
  expect(loggedCount(name)).toBe(2);
});

test('dry_run must be a boolean (400 naming it); V2 answers {"error"}', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'drybad', task: 'regression', file: 'regressor.onnx' });
  const problem = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], dry_run: 'yes' }), 400);
  expect(problem.errors).toEqual([{ path: 'dry_run', message: 'must be true or false' }]);
  const v2 = await request.post(`/v2/models/${name}/infer`, {
    data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }], parameters: { dry_run: 1 } },
  });
  expect(v2.status()).toBe(400);
  expect(await v2.json()).toEqual({ error: 'parameters.dry_run: must be true or false' });
  expect(loggedCount(name)).toBe(0);
});
