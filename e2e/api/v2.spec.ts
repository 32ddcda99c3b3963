// Open Inference Protocol (V2) conformance: health, model metadata and readiness, infer with exact
// JSON shapes and hand-computed outputs, and {"error"} answers for bad requests.
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { createModel, uniqueName } from '../fixtures';
import {
  TIERS,
  expectCloseArray,
  expectUlids,
  loggedCount,
  loggedPredictions,
  metricSample,
  regress,
  scrapeMetrics,
  servedModel,
  setAlias,
  spend,
  tierProbs,
} from './serving-helpers';

interface V2Output {
  name: string;
  datatype: string;
  shape: number[];
  data: (number | string)[];
}
interface V2Answer {
  model_name: string;
  model_version: string;
  id?: string;
  parameters?: { prediction_ids: string[] };
  outputs: V2Output[];
}

const regressorModel = (request: APIRequestContext, prefix: string, extra: Partial<Parameters<typeof servedModel>[1]> = {}) =>
  servedModel(request, { prefix, task: 'regression', file: 'regressor.onnx', ...extra });

function infer(request: APIRequestContext, name: string, body: unknown, version?: number | string): Promise<APIResponse> {
  const path = version === undefined ? `/v2/models/${name}/infer` : `/v2/models/${name}/versions/${version}/infer`;
  return request.post(path, { data: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

async function inferOk(request: APIRequestContext, name: string, body: unknown, version?: number | string): Promise<V2Answer> {
  const res = await infer(request, name, body, version);
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/json');
  const answer = (await res.json()) as V2Answer;
  expect(answer.model_name).toBe(name);
  expect(typeof answer.model_version).toBe('string');
  return answer;
}

/** A V2 error: the given status, a JSON body that is exactly {"error": "<message>"}. */
async function expectV2Error(res: APIResponse, status: number | number[]): Promise<string> {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses, `status ${res.status()}: ${await res.text()}`).toContain(res.status());
  expect(res.headers()['content-type']).toContain('application/json');
  const body = await res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  return body.error as string;
}

const REG_INPUT = (data: unknown, shape: unknown = [2, 3]) => ({ name: 'input', shape, datatype: 'FP32', data });

test.describe('health and server metadata', () => {
  test('GET /v2/health/live answers {live: true}', async ({ request }) => {
    const res = await request.get('/v2/health/live');
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('application/json');
    expect(await res.json()).toEqual({ live: true });
  });

  test('GET /v2/health/ready answers {ready: true}', async ({ request }) => {
    await regressorModel(request, 'v2-ready-srv');
    const res = await request.get('/v2/health/ready');
    expect(res.status(), await res.text()).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  test('GET /v2 answers the server metadata', async ({ request }) => {
    const res = await request.get('/v2');
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ name: expect.any(String), version: expect.any(String), extensions: expect.any(Array) });
  });
});

test.describe('model metadata and readiness', () => {
  test('regressor: exact metadata, versions as strings', async ({ request }) => {
    const name = await regressorModel(request, 'v2-meta-reg', { versions: 2 });
    const res = await request.get(`/v2/models/${name}`);
    expect(res.status()).toBe(200);
    expect(await res.json()).toEqual({
      name,
      versions: ['1', '2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }],
      outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
    });
    const v2 = await request.get(`/v2/models/${name}/versions/2`);
    expect(v2.status()).toBe(200);
    expect(await v2.json()).toEqual({
      name,
      versions: ['2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }],
      outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
    });
  });

  test('ZipMap classifier: the non-tensor output is omitted', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-meta-zip', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
    expect(await (await request.get(`/v2/models/${name}`)).json()).toEqual({
      name,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'output_label', datatype: 'INT64', shape: [-1] }],
    });
  });

  test('DataFrame model: FP32, BYTES and INT64 inputs', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-meta-df', task: 'regression', file: 'skl-dataframe.onnx' });
    expect(await (await request.get(`/v2/models/${name}/versions/1`)).json()).toEqual({
      name,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'age', datatype: 'FP32', shape: [-1, 1] },
        { name: 'plan', datatype: 'BYTES', shape: [-1, 1] },
        { name: 'visits', datatype: 'INT64', shape: [-1, 1] },
      ],
      outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
    });
  });

  test('string-label classifier: BYTES label and FP32 probabilities outputs', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-meta-str', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx' });
    const meta = await (await request.get(`/v2/models/${name}`)).json();
    expect(meta.inputs).toEqual([{ name: 'float_input', datatype: 'FP32', shape: [-1, 2] }]);
    expect(meta.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    ]);
  });

  test('archived versions are not listed', async ({ request }) => {
    const name = await regressorModel(request, 'v2-meta-arch', { versions: 3, production: 3 });
    expect((await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: true } })).status()).toBe(200);
    expect((await (await request.get(`/v2/models/${name}`)).json()).versions).toEqual(['2', '3']);
  });

  test('ready: {name, ready: true} for the model and for its production version', async ({ request }) => {
    const name = await regressorModel(request, 'v2-model-ready');
    const model = await request.get(`/v2/models/${name}/ready`);
    expect(model.status()).toBe(200);
    expect(await model.json()).toEqual({ name, ready: true });
    const version = await request.get(`/v2/models/${name}/versions/1/ready`);
    expect(version.status()).toBe(200);
    expect(await version.json()).toEqual({ name, ready: true });
  });

  test('unknown model or version, or no production yet, answers 404 {error}', async ({ request }) => {
    const name = await regressorModel(request, 'v2-meta-404', { production: null });
    const nobody = uniqueName('nobody');
    for (const path of [
      `/v2/models/${nobody}`,
      `/v2/models/${nobody}/ready`,
      `/v2/models/${name}/versions/9`,
      `/v2/models/${name}/versions/9/ready`,
      `/v2/models/${name}`,
      `/v2/models/${name}/ready`,
    ]) {
      const error = await expectV2Error(await request.get(path), 404);
      expect(error.length, path).toBeGreaterThan(0);
    }
    expect(await expectV2Error(await request.get(`/v2/models/${name}`), 404)).toContain('production');
    // The version itself is there.
    expect((await request.get(`/v2/models/${name}/versions/1`)).status()).toBe(200);
  });
});

test.describe('POST /v2/models/{name}[/versions/{n}]/infer', () => {
  test('regressor, flat data: exact answer shape, id echoed, values by hand', async ({ request }) => {
    const name = await regressorModel(request, 'v2-inf-flat');
    const answer = await inferOk(request, name, { id: 'req-17', inputs: [REG_INPUT([1, 2, 3, 0.5, -1, 2])] });
    expect(answer).toMatchObject({ model_name: name, model_version: '1', id: 'req-17' });
    expect(
      Object.keys(answer)
        .filter((k) => k !== 'parameters')
        .sort(),
    ).toEqual(['id', 'model_name', 'model_version', 'outputs']);
    expect(answer.outputs).toHaveLength(1);
    const [out] = answer.outputs;
    expect(Object.keys(out).sort()).toEqual(['data', 'datatype', 'name', 'shape']);
    expect(out).toMatchObject({ name: 'variable', datatype: 'FP32', shape: [2, 1] });
    expectCloseArray(out.data as number[], [14.5, 5]);
  });

  test('nested data gives the same answer; without id, no id is answered', async ({ request }) => {
    const name = await regressorModel(request, 'v2-inf-nested');
    const answer = await inferOk(request, name, {
      inputs: [
        REG_INPUT([
          [1, 2, 3],
          [0.5, -1, 2],
        ]),
      ],
    });
    expect(answer).not.toHaveProperty('id');
    expect(answer.outputs[0]).toMatchObject({ name: 'variable', datatype: 'FP32', shape: [2, 1] });
    expectCloseArray(answer.outputs[0].data as number[], [regress([1, 2, 3]), regress([0.5, -1, 2])]);
  });

  test('the version route answers that version; the unqualified route answers production', async ({ request }) => {
    const name = await regressorModel(request, 'v2-inf-ver', { versions: 3, production: 2 });
    const body = { inputs: [REG_INPUT([1, 1, 1], [1, 3])] };
    expect((await inferOk(request, name, body)).model_version).toBe('2');
    expect((await inferOk(request, name, body, 3)).model_version).toBe('3');
    expect((await inferOk(request, name, body, 1)).model_version).toBe('1');
    await setAlias(request, name, 'production', 3);
    expect((await inferOk(request, name, body)).model_version).toBe('3');
  });

  test('ZipMap classifier: the INT64 label output only', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-inf-zip', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
    const answer = await inferOk(request, name, {
      inputs: [{ name: 'float_input', shape: [3, 4], datatype: 'FP32', data: [5, 1, 0, 9, 0, 4, 1, 9, 0, 1, 7, 9] }],
    });
    expect(answer.outputs).toEqual([{ name: 'output_label', datatype: 'INT64', shape: [3], data: [0, 1, 2] }]);
  });

  test('string-label classifier: BYTES labels and FP32 probabilities; outputs selects', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-inf-str', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx', labels: TIERS });
    const rows = [
      [-2, 0],
      [0.25, 9],
    ];
    const input = { name: 'float_input', shape: [2, 2], datatype: 'FP32', data: rows.flat() };
    const all = await inferOk(request, name, { inputs: [input] });
    expect(all.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(all.outputs[0]).toEqual({ name: 'label', datatype: 'BYTES', shape: [2], data: ['bronze', 'gold'] });
    expect(all.outputs[1]).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [2, 3] });
    expectCloseArray(all.outputs[1].data as number[], rows.flatMap(tierProbs), 5);

    const only = await inferOk(request, name, { inputs: [input], outputs: [{ name: 'probabilities' }] });
    expect(only.outputs.map((o) => o.name)).toEqual(['probabilities']);
    expectCloseArray(only.outputs[0].data as number[], rows.flatMap(tierProbs), 5);
  });

  test('logits-binary: the raw logits', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-inf-logit', task: 'binary_classification', file: 'logits-binary.onnx' });
    const answer = await inferOk(request, name, { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [2, 1, 0, 0, 0, 3, 5, 5] }] });
    expect(answer.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [2, 2] });
    expectCloseArray(answer.outputs[0].data as number[], [1, -1, -3, 3]);
  });

  test('DataFrame model: FP32, BYTES and INT64 inputs by name', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'v2-inf-df', task: 'regression', file: 'skl-dataframe.onnx' });
    const answer = await inferOk(request, name, {
      inputs: [
        { name: 'visits', shape: [3, 1], datatype: 'INT64', data: [4, 0, 7] },
        { name: 'plan', shape: [3, 1], datatype: 'BYTES', data: [['pro'], ['basic'], ['nope']] },
        { name: 'age', shape: [3, 1], datatype: 'FP32', data: [30, 41.5, 20] },
      ],
    });
    expect(answer.outputs[0]).toMatchObject({ name: 'variable', datatype: 'FP32', shape: [3, 1] });
    expectCloseArray(answer.outputs[0].data as number[], [spend(30, 'pro', 4), spend(41.5, 'basic', 0), spend(20, 'nope', 7)]);
    expectCloseArray(answer.outputs[0].data as number[], [54, 43.5, 15.5]);
  });

  test('every inference is logged: one row per example, alias production or none', async ({ request }) => {
    const name = await regressorModel(request, 'v2-inf-log', { versions: 2 });
    const prod = await inferOk(request, name, { inputs: [REG_INPUT([1, 2, 3, 0, 0, 0])] });
    expectUlids(prod.parameters!.prediction_ids, 2);
    const pinned = await inferOk(request, name, { inputs: [REG_INPUT([1, 1, 1], [1, 3])] }, 2);
    expectUlids(pinned.parameters!.prediction_ids, 1);
    const logged = await loggedPredictions(request, [...prod.parameters!.prediction_ids, ...pinned.parameters!.prediction_ids]);
    expect(logged.map((r) => [r.model_name, r.version_number, r.alias, r.client_id])).toEqual([
      [name, 1, 'production', null],
      [name, 1, 'production', null],
      [name, 2, null, null],
    ]);
    expectCloseArray(
      logged.map((r) => r.value!),
      [14.5, 0.5, 6.5],
    );
    expect(loggedCount(name)).toBe(3);
    const text = await scrapeMetrics(request);
    expect(metricSample(text, 'modeldock_prediction_requests_total', { route: 'v2', model: name, version: '1', status: '2xx' })).toBe(1);
    expect(metricSample(text, 'modeldock_prediction_requests_total', { route: 'v2', model: name, version: '2', status: '2xx' })).toBe(1);
  });
});

test.describe('infer errors answer {"error"} with 4xx and log nothing', () => {
  test('unknown model, unknown version, no production: 404', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-404', { production: null });
    const body = { inputs: [REG_INPUT([1, 2, 3], [1, 3])] };
    await expectV2Error(await infer(request, uniqueName('nobody'), body), 404);
    await expectV2Error(await infer(request, name, body, 4), 404);
    expect(await expectV2Error(await infer(request, name, body), 404)).toContain('production');
    const empty = uniqueName('v2-err-empty');
    await createModel(request, { name: empty, task: 'regression' });
    await expectV2Error(await infer(request, empty, body, 1), 404);
    expect(loggedCount(name)).toBe(0);
  });

  test('wrong datatype: 400 naming the expected one', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-dtype');
    for (const datatype of ['FP64', 'INT64', 'BYTES', 'fp32']) {
      const error = await expectV2Error(await infer(request, name, { inputs: [{ ...REG_INPUT([1, 2, 3], [1, 3]), datatype }] }), 400);
      expect(error, datatype).toContain('FP32');
      expect(error, datatype).toContain('datatype');
    }
    expect(loggedCount(name)).toBe(0);
  });

  test('shape and data that disagree: 400', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-shape');
    const cases: unknown[] = [
      REG_INPUT([1, 2, 3, 4, 5], [2, 3]), // 5 values for 6
      REG_INPUT([1, 2, 3, 4, 5, 6, 7], [2, 3]), // 7 values for 6
      REG_INPUT([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), // the model takes 3 features
      REG_INPUT([1, 2, 3], [3]), // rank 1 for rank 2
      REG_INPUT([1, 2, 3], [1, 3, 1]), // rank 3 for rank 2
      REG_INPUT([1, 2, 3], [1, -3]),
      REG_INPUT([1, 2, 3], '1,3'),
      REG_INPUT(7, [1, 3]),
    ];
    for (const input of cases) {
      await expectV2Error(await infer(request, name, { inputs: [input] }), 400);
    }
    expect(loggedCount(name)).toBe(0);
  });

  test('nested data whose structure contradicts the shape: 400', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-ragged');
    // Six values for shape [2, 3], but nested as rows of 2 and 4: not a [2, 3] tensor.
    await expectV2Error(
      await infer(request, name, {
        inputs: [
          REG_INPUT(
            [
              [1, 2],
              [3, 4, 5, 6],
            ],
            [2, 3],
          ),
        ],
      }),
      400,
    );
    // Nested as [3, 2]: the right count, the wrong shape.
    await expectV2Error(
      await infer(request, name, {
        inputs: [
          REG_INPUT(
            [
              [1, 2],
              [3, 4],
              [5, 6],
            ],
            [2, 3],
          ),
        ],
      }),
      400,
    );
    expect(loggedCount(name)).toBe(0);
  });

  test('values of the wrong type or non-finite: 4xx', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-values');
    await expectV2Error(await infer(request, name, { inputs: [REG_INPUT([1, 'two', 3], [1, 3])] }), [400, 422]);
    await expectV2Error(await infer(request, name, { inputs: [REG_INPUT([1, null, 3], [1, 3])] }), [400, 422]);
    await expectV2Error(await infer(request, name, `{"inputs": [{"name": "input", "shape": [1, 3], "datatype": "FP32", "data": [1, 1e999, 3]}]}`), [400, 422]);
    expect(loggedCount(name)).toBe(0);
  });

  test('inputs whose batch sizes disagree: 4xx', async ({ request }) => {
    const df = await servedModel(request, { prefix: 'v2-err-batch', task: 'regression', file: 'skl-dataframe.onnx' });
    await expectV2Error(
      await infer(request, df, {
        inputs: [
          { name: 'age', shape: [2, 1], datatype: 'FP32', data: [30, 40] },
          { name: 'plan', shape: [1, 1], datatype: 'BYTES', data: ['pro'] },
          { name: 'visits', shape: [2, 1], datatype: 'INT64', data: [1, 2] },
        ],
      }),
      [400, 422],
    );
    expect(loggedCount(df)).toBe(0);
  });

  test('an archived version answers 409 {error}', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-arch', { versions: 2, production: 2 });
    expect((await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: true } })).status()).toBe(200);
    expect(await expectV2Error(await infer(request, name, { inputs: [REG_INPUT([1, 2, 3], [1, 3])] }, 1), 409)).toContain('archived');
    expect((await inferOk(request, name, { inputs: [REG_INPUT([1, 2, 3], [1, 3])] })).model_version).toBe('2');
  });

  test('unknown output, or the ZipMap output: 400 naming it', async ({ request }) => {
    const reg = await regressorModel(request, 'v2-err-out');
    const unknown = await expectV2Error(await infer(request, reg, { inputs: [REG_INPUT([1, 2, 3], [1, 3])], outputs: [{ name: 'probabilities' }] }), 400);
    expect(unknown).toContain('probabilities');
    const zip = await servedModel(request, { prefix: 'v2-err-zipout', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
    const zipError = await expectV2Error(
      await infer(request, zip, {
        inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [1, 0, 0, 0] }],
        outputs: [{ name: 'output_probability' }],
      }),
      400,
    );
    expect(zipError).toContain('output_probability');
    await expectV2Error(await infer(request, reg, { inputs: [REG_INPUT([1, 2, 3], [1, 3])], outputs: [{}] }), 400);
    await expectV2Error(await infer(request, reg, { inputs: [REG_INPUT([1, 2, 3], [1, 3])], outputs: 'variable' }), 400);
    expect(loggedCount(reg)).toBe(0);
    expect(loggedCount(zip)).toBe(0);
  });

  test('missing, unknown or repeated inputs: 400 naming them', async ({ request }) => {
    const df = await servedModel(request, { prefix: 'v2-err-inputs', task: 'regression', file: 'skl-dataframe.onnx' });
    const age = { name: 'age', shape: [1, 1], datatype: 'FP32', data: [30] };
    const plan = { name: 'plan', shape: [1, 1], datatype: 'BYTES', data: ['pro'] };
    const visits = { name: 'visits', shape: [1, 1], datatype: 'INT64', data: [4] };
    expect(await expectV2Error(await infer(request, df, { inputs: [age, plan] }), 400)).toContain('visits');
    expect(await expectV2Error(await infer(request, df, { inputs: [age, plan, visits, { ...age, name: 'bonus' }] }), 400)).toContain('bonus');
    expect(await expectV2Error(await infer(request, df, { inputs: [age, plan, visits, age] }), 400)).toContain('age');
    await expectV2Error(await infer(request, df, { inputs: [] }), 400);
    await expectV2Error(await infer(request, df, {}), 400);
    await expectV2Error(await infer(request, df, { inputs: [age, plan, { ...visits, name: undefined }] }), 400);
    expect(loggedCount(df)).toBe(0);
  });

  test('malformed JSON, empty or non-object bodies, unknown fields, a non-string id: 400', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-json');
    for (const raw of ['{"inputs": [', '{inputs: []}', '', 'null', '[]', '42']) {
      await expectV2Error(await infer(request, name, raw), 400);
    }
    await expectV2Error(await infer(request, name, { inputs: [REG_INPUT([1, 2, 3], [1, 3])], instances: [[1, 2, 3]] }), 400);
    await expectV2Error(await infer(request, name, { id: 17, inputs: [REG_INPUT([1, 2, 3], [1, 3])] }), 400);
    await expectV2Error(await infer(request, name, { inputs: [REG_INPUT([1, 2, 3], [1, 3])] }, 'abc'), 400);
    expect(loggedCount(name)).toBe(0);
  });

  test('more than MAX_BATCH_ROWS rows: 413', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-rows');
    const n = 10_001;
    await expectV2Error(await infer(request, name, { inputs: [REG_INPUT(new Array(n * 3).fill(1), [n, 3])] }), 413);
    expect(loggedCount(name)).toBe(0);
  });

  test('a wrong method answers 405 {error} with Allow', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-405');
    const cases: [APIResponse, string][] = [
      [await request.get(`/v2/models/${name}/infer`), 'POST'],
      [await request.get(`/v2/models/${name}/versions/1/infer`), 'POST'],
      [await request.post(`/v2/models/${name}`, { data: {} }), 'GET'],
      [await request.post(`/v2/models/${name}/ready`, { data: {} }), 'GET'],
      [await request.delete(`/v2/models/${name}/versions/1`), 'GET'],
      [await request.post('/v2/health/live', { data: {} }), 'GET'],
      [await request.put('/v2/health/ready', { data: {} }), 'GET'],
    ];
    for (const [res, allow] of cases) {
      await expectV2Error(res, 405);
      expect(res.headers().allow).toBe(allow);
    }
    expect(loggedCount(name)).toBe(0);
  });

  test('an unknown /v2 path answers 404 {error}', async ({ request }) => {
    for (const path of ['/v2/nothing', '/v2/health/unknown', '/v2/models']) {
      await expectV2Error(await request.get(path), 404);
    }
  });

  test('the failed requests are counted as 4xx in /metrics', async ({ request }) => {
    const name = await regressorModel(request, 'v2-err-metrics');
    await expectV2Error(await infer(request, name, { inputs: [{ ...REG_INPUT([1, 2, 3], [1, 3]), datatype: 'FP64' }] }), 400);
    await expectV2Error(await infer(request, name, '{'), 400);
    const text = await scrapeMetrics(request);
    expect(metricSample(text, 'modeldock_prediction_requests_total', { route: 'v2', model: name, version: '', status: '4xx' })).toBe(2);
  });
});
