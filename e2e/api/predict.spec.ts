// Serving API: POST /api/v1/models/{name}[/aliases/{alias}|/versions/{n}]/predict — the MLflow
// request formats, answers computed by hand from the fixture models, validation (never a 5xx),
// routing and hot swap, and the prediction log read back from SQLite.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createModel, uniqueName } from '../fixtures';
import { errorPaths, expectProblem } from './helpers';
import {
  INPUT_CODEC,
  TIERS,
  addVersion,
  binaryProbs,
  decodeLoggedInputs,
  decodeLoggedProbabilities,
  expectCloseArray,
  expectInputProblem,
  loggedCount,
  loggedPredictions,
  metricSample,
  postPredict,
  predictOk,
  regress,
  scrapeMetrics,
  servedModel,
  setAlias,
  softmax,
  spend,
  tierProbs,
  zipmapClass,
} from './serving-helpers';

const FEATURES = ['a', 'b', 'c'];
const ROWS = [
  [1, 2, 3],
  [0.5, -1, 2],
  [0, 0, 0],
];
const EXPECTED = ROWS.map(regress); // 14.5, 5, 0.5

/** The regressor with feature_names a, b, c, promoted to production. */
function regressor(request: APIRequestContext, prefix: string, extra: Partial<Parameters<typeof servedModel>[1]> = {}) {
  return servedModel(request, { prefix, task: 'regression', file: 'regressor.onnx', metadata: { feature_names: FEATURES }, ...extra });
}

const dataframeModel = (request: APIRequestContext, prefix: string) => servedModel(request, { prefix, task: 'regression', file: 'skl-dataframe.onnx' });

test.describe('request formats (regressor, feature_names a, b, c)', () => {
  test('instances as arrays: numbers by hand, ULID ids, model {name, version, alias}, no probabilities', async ({ request }) => {
    const name = await regressor(request, 'fmt-inst');
    const answer = await predictOk(request, name, { instances: ROWS });
    expectCloseArray(answer.predictions as number[], EXPECTED);
    for (const p of answer.predictions) expect(typeof p).toBe('number');
    expect(answer.model).toEqual({ name, version: 1, alias: 'production' });
    expect(answer).not.toHaveProperty('probabilities');
    expect(Object.keys(answer).sort()).toEqual(['model', 'prediction_ids', 'predictions']);
  });

  test('instances as objects map keys through feature_names, whatever their order', async ({ request }) => {
    const name = await regressor(request, 'fmt-obj');
    const answer = await predictOk(request, name, {
      instances: [
        { c: 3, a: 1, b: 2 },
        { b: -1, c: 2, a: 0.5 },
        { a: 0, b: 0, c: 0 },
      ],
    });
    expectCloseArray(answer.predictions as number[], EXPECTED);
  });

  test('dataframe_split maps columns through feature_names', async ({ request }) => {
    const name = await regressor(request, 'fmt-split');
    const answer = await predictOk(request, name, {
      dataframe_split: { columns: ['c', 'b', 'a'], data: ROWS.map((r) => [r[2], r[1], r[0]]) },
    });
    expectCloseArray(answer.predictions as number[], EXPECTED);
    const inOrder = await predictOk(request, name, { dataframe_split: { columns: FEATURES, data: ROWS, index: [10, 11, 12] } });
    expectCloseArray(inOrder.predictions as number[], EXPECTED);
  });

  test('dataframe_split without columns takes rows in feature order', async ({ request }) => {
    const name = await regressor(request, 'fmt-split-nocol');
    const answer = await predictOk(request, name, { dataframe_split: { data: ROWS } });
    expectCloseArray(answer.predictions as number[], EXPECTED);
  });

  test('dataframe_records maps each record through feature_names', async ({ request }) => {
    const name = await regressor(request, 'fmt-rec');
    const answer = await predictOk(request, name, {
      dataframe_records: ROWS.map(([a, b, c]) => ({ b, c, a })),
    });
    expectCloseArray(answer.predictions as number[], EXPECTED);
  });

  test('inputs as named tensors, as one array, and as one unbatched example', async ({ request }) => {
    const name = await regressor(request, 'fmt-inputs');
    const named = await predictOk(request, name, { inputs: { input: ROWS } });
    expectCloseArray(named.predictions as number[], EXPECTED);
    const list = await predictOk(request, name, { inputs: ROWS });
    expectCloseArray(list.predictions as number[], EXPECTED);
    const single = await predictOk(request, name, { inputs: { input: [1, 2, 3] } });
    expectCloseArray(single.predictions as number[], [14.5]);
  });

  test('every format gives the same answer for the same rows', async ({ request }) => {
    const name = await regressor(request, 'fmt-same');
    const rows = [
      [2.25, -3, 7],
      [100, 0.125, -0.5],
    ];
    const objects = rows.map(([a, b, c]) => ({ a, b, c }));
    const bodies = [
      { instances: rows },
      { instances: objects },
      { dataframe_split: { columns: FEATURES, data: rows } },
      { dataframe_records: objects },
      { inputs: { input: rows } },
      { inputs: rows },
    ];
    for (const body of bodies) {
      const answer = await predictOk(request, name, body);
      expectCloseArray(answer.predictions as number[], rows.map(regress));
    }
  });

  test('a model without feature_names still takes rows as arrays', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'fmt-nofeat', task: 'regression', file: 'regressor.onnx' });
    const answer = await predictOk(request, name, { instances: ROWS });
    expectCloseArray(answer.predictions as number[], EXPECTED);
  });

  test('optional ids: one client id per row, strings or numbers, logged as client_id', async ({ request }) => {
    const name = await regressor(request, 'fmt-ids');
    const answer = await predictOk(request, name, { instances: ROWS, ids: ['customer-17', 'customer-18', 42] });
    const logged = await loggedPredictions(request, answer.prediction_ids);
    expect(logged.map((r) => r.client_id)).toEqual(['customer-17', 'customer-18', '42']);
    const without = await predictOk(request, name, { instances: ROWS.slice(0, 1) });
    expect((await loggedPredictions(request, without.prediction_ids))[0].client_id).toBeNull();
  });

  test('prediction ids keep increasing from one request to the next', async ({ request }) => {
    const name = await regressor(request, 'fmt-ulid');
    const first = await predictOk(request, name, { instances: ROWS });
    const second = await predictOk(request, name, { instances: ROWS });
    const all = [...first.prediction_ids, ...second.prediction_ids];
    expect(new Set(all).size).toBe(6);
    expect([...all].sort()).toEqual(all);
  });

  test('concurrent requests get distinct ids, each logged once', async ({ request }) => {
    const name = await regressor(request, 'fmt-conc');
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        predictOk(request, name, {
          instances: [
            [i, 1, 1],
            [i, 2, 2],
          ],
          ids: [`r${i}a`, `r${i}b`],
        }),
      ),
    );
    answers.forEach((a, i) => expectCloseArray(a.predictions as number[], [regress([i, 1, 1]), regress([i, 2, 2])]));
    const ids = answers.flatMap((a) => a.prediction_ids);
    expect(new Set(ids).size).toBe(48);
    const logged = await loggedPredictions(request, ids);
    expect(logged).toHaveLength(48);
    expect(logged.map((r) => r.client_id)).toEqual(answers.flatMap((_, i) => [`r${i}a`, `r${i}b`]));
    expect(loggedCount(name)).toBe(48);
  });

  test('accepts exactly MAX_BATCH_ROWS (10000) rows', async ({ request }) => {
    const name = await regressor(request, 'fmt-max');
    const rows = Array.from({ length: 10_000 }, (_, i) => [i % 7, 1, 0]);
    const answer = await predictOk(request, name, { instances: rows });
    expect(answer.predictions).toHaveLength(10_000);
    expect(answer.predictions[9_999] as number).toBeCloseTo(regress(rows[9_999]), 4);
    expect(loggedCount(name)).toBe(10_000);
  });
});

test.describe('classification answers', () => {
  const X = [
    [2, 1, 0, 0],
    [0, 3, 5, 5],
    [1.25, 1, 0, 0],
  ];

  test('logits-binary with labels: softmax probabilities keyed by label, argmax label', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-bin', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['neg', 'pos'] });
    const answer = await predictOk(request, name, { instances: X });
    const probs = X.map(binaryProbs);
    expect(answer.predictions).toEqual(probs.map((p) => (p[1] > p[0] ? 'pos' : 'neg'))); // neg, pos, neg
    expect(answer.predictions).toEqual(['neg', 'pos', 'neg']);
    expect(answer.probabilities).toHaveLength(3);
    answer.probabilities!.forEach((row, i) => {
      expect(Object.keys(row).sort()).toEqual(['neg', 'pos']);
      expect(row.neg).toBeCloseTo(probs[i][0], 5);
      expect(row.pos).toBeCloseTo(probs[i][1], 5);
      expect(row.neg + row.pos).toBeCloseTo(1, 5);
    });
    // 1 / (1 + e^-2) for x0 - x1 = 1, and 1 / (1 + e^-6) for x1 - x0 = 3.
    expect(answer.probabilities![0].neg).toBeCloseTo(0.8807971, 5);
    expect(answer.probabilities![1].pos).toBeCloseTo(0.9975274, 5);
  });

  test('logits-binary without labels: classes are named by their index', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-bin-nolab', task: 'binary_classification', file: 'logits-binary.onnx' });
    const answer = await predictOk(request, name, { instances: X });
    expect(answer.predictions.map(String)).toEqual(['0', '1', '0']);
    answer.probabilities!.forEach((row, i) => {
      expect(Object.keys(row).sort()).toEqual(['0', '1']);
      expect(row['1']).toBeCloseTo(binaryProbs(X[i])[1], 5);
    });
  });

  test('a version threshold on the positive class decides the label', async ({ request }) => {
    const name = await servedModel(request, {
      prefix: 'cls-thr',
      task: 'binary_classification',
      file: 'logits-binary.onnx',
      labels: ['neg', 'pos'],
      metadata: { output: { positive_class: 'pos', threshold: 0.9 } },
    });
    // p(pos): 1/(1+e^-1) ≈ 0.731 (below 0.9 → neg although it is the argmax), 1/(1+e^-4) ≈ 0.982 → pos.
    const rows = [
      [0, 0.5, 0, 0],
      [0, 2, 0, 0],
    ];
    const answer = await predictOk(request, name, { instances: rows });
    expect(answer.predictions).toEqual(['neg', 'pos']);
    expect(answer.probabilities![0].pos).toBeCloseTo(0.7310586, 5);
    expect(answer.probabilities![1].pos).toBeCloseTo(0.9820138, 5);
  });

  test('skl ZipMap model with labels: labels mapped from the int output, no probabilities served', async ({ request }) => {
    const labels = ['setosa', 'versicolor', 'virginica'];
    const name = await servedModel(request, { prefix: 'cls-zip', task: 'multiclass_classification', file: 'skl-zipmap.onnx', labels });
    const rows = [
      [5, 1, 0, 9],
      [0, 4, 1, 9],
      [0, 1, 7, 9],
      [-1, -2, -0.5, 100],
    ];
    const answer = await predictOk(request, name, { instances: rows });
    expect(answer.predictions).toEqual(rows.map((r) => labels[zipmapClass(r)]));
    expect(answer.predictions).toEqual(['setosa', 'versicolor', 'virginica', 'virginica']);
    expect(answer).not.toHaveProperty('probabilities');
  });

  test('skl ZipMap model without labels answers the class index as its label', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-zip-nolab', task: 'multiclass_classification', file: 'skl-zipmap.onnx' });
    const answer = await predictOk(request, name, {
      instances: [
        [0, 0, 3, 0],
        [2, 1, 0, 0],
      ],
    });
    expect(answer.predictions.map(String)).toEqual(['2', '0']);
  });

  test('string-label model with labels: string predictions, softmax probabilities per label', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-str', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx', labels: TIERS });
    const rows = [
      [-2, 0],
      [0.25, 9],
      [3, -1],
    ];
    const answer = await predictOk(request, name, { instances: rows });
    expect(answer.predictions).toEqual(['bronze', 'gold', 'gold']);
    answer.probabilities!.forEach((row, i) => {
      expect(Object.keys(row).sort()).toEqual([...TIERS].sort());
      const expected = tierProbs(rows[i]);
      TIERS.forEach((t, j) => expect(row[t]).toBeCloseTo(expected[j], 5));
    });
    // softmax([2, 0, -2]) for x0 = -2.
    expect(answer.probabilities![0].bronze).toBeCloseTo(softmax([2, 0, -2])[0], 5);
    expect(answer.probabilities![0].bronze).toBeCloseTo(0.8668133, 5);
  });

  test("string-label model without labels: probabilities are keyed by the model's own class labels", async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-str-nolab', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx' });
    const rows = [
      [-2, 0],
      [3, -1],
    ];
    const answer = await predictOk(request, name, { instances: rows });
    expect(answer.predictions).toEqual(['bronze', 'gold']);
    answer.probabilities!.forEach((row, i) => {
      // The predicted label must be one of the keys of its own probability map.
      expect(Object.keys(row)).toContain(answer.predictions[i]);
      expect(Object.keys(row).sort()).toEqual([...TIERS].sort());
      TIERS.forEach((t, j) => expect(row[t]).toBeCloseTo(tierProbs(rows[i])[j], 5));
    });
  });

  test("editing the model's labels changes the very next answer", async ({ request }) => {
    const name = await servedModel(request, { prefix: 'cls-relabel', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['neg', 'pos'] });
    expect((await predictOk(request, name, { instances: [[0, 1, 0, 0]] })).predictions).toEqual(['pos']);
    const patch = await request.patch(`/api/v1/models/${name}`, { data: { labels: ['stay', 'churn'] } });
    expect(patch.status(), await patch.text()).toBe(200);
    const after = await predictOk(request, name, { instances: [[0, 1, 0, 0]] });
    expect(after.predictions).toEqual(['churn']);
    expect(Object.keys(after.probabilities![0]).sort()).toEqual(['churn', 'stay']);
  });
});

test.describe('multi-input DataFrame model (skl-dataframe: age float, plan string, visits int64)', () => {
  const people = [
    { age: 30, plan: 'pro', visits: 4 },
    { age: 41.5, plan: 'basic', visits: 0 },
    { age: 20, plan: 'plus', visits: 7 },
    { age: 50, plan: 'enterprise', visits: 2 }, // unknown plan → code -1
  ];
  const expected = people.map((p) => spend(p.age, p.plan, p.visits)); // 54, 43.5, 35.5, 43

  test('columns map to inputs by name in every format', async ({ request }) => {
    const name = await dataframeModel(request, 'df-formats');
    expect(expected).toEqual([54, 43.5, 35.5, 43]);
    const bodies = [
      { dataframe_split: { columns: ['visits', 'age', 'plan'], data: people.map((p) => [p.visits, p.age, p.plan]) } },
      { dataframe_records: people.map((p) => ({ plan: p.plan, visits: p.visits, age: p.age })) },
      { instances: people },
      { instances: people.map((p) => [p.age, p.plan, p.visits]) },
      { inputs: { visits: people.map((p) => [p.visits]), plan: people.map((p) => [p.plan]), age: people.map((p) => [p.age]) } },
      { inputs: people.map((p) => [p.age, p.plan, p.visits]) },
    ];
    for (const body of bodies) {
      const answer = await predictOk(request, name, body);
      expectCloseArray(answer.predictions as number[], expected);
    }
  });

  test("logs each row's inputs as a JSON record of the named inputs", async ({ request }) => {
    const name = await dataframeModel(request, 'df-log');
    const answer = await predictOk(request, name, { dataframe_records: people.slice(0, 2), ids: ['p1', 'p2'] });
    const logged = await loggedPredictions(request, answer.prediction_ids);
    expect(logged).toHaveLength(2);
    logged.forEach((row, i) => {
      expect(row.input_codec).toBe(INPUT_CODEC.json);
      expect(decodeLoggedInputs(row)).toEqual(people[i]);
      expect(row.value).toBeCloseTo(expected[i], 4);
      expect(row.label).toBeNull();
      expect(row.client_id).toBe(`p${i + 1}`);
    });
  });

  test('a missing column answers 4xx naming it, and nothing is logged', async ({ request }) => {
    const name = await dataframeModel(request, 'df-missing');
    const res = await postPredict(request, name, { dataframe_records: [{ age: 30, plan: 'pro' }] });
    const problem = await expectInputProblem(res, 'dataframe_records');
    expect(problem.detail).toMatch(/missing[^(]*\bvisits\b/);
    const split = await expectInputProblem(
      await postPredict(request, name, { dataframe_split: { columns: ['age', 'visits'], data: [[30, 4]] } }),
      'dataframe_split.data',
    );
    expect(split.detail).toMatch(/missing[^(]*\bplan\b/);
    expect(loggedCount(name)).toBe(0);
  });

  test('an extra column answers 4xx naming it', async ({ request }) => {
    const name = await dataframeModel(request, 'df-extra');
    const res = await postPredict(request, name, { dataframe_records: [{ age: 30, plan: 'pro', visits: 4, region: 'eu' }] });
    const problem = await expectInputProblem(res, 'dataframe_records');
    expect(problem.detail).toContain('region');
  });

  test('wrong value types name the cell', async ({ request }) => {
    const name = await dataframeModel(request, 'df-types');
    const age = await expectInputProblem(
      await postPredict(request, name, { dataframe_records: [people[0], { age: 'old', plan: 'pro', visits: 1 }] }),
      'dataframe_records[1].age',
    );
    expect(age.detail).toContain('number');
    await expectInputProblem(await postPredict(request, name, { dataframe_records: [{ age: 30, plan: 7, visits: 1 }] }), 'dataframe_records[0].plan');
    const visits = await expectInputProblem(
      await postPredict(request, name, { dataframe_records: [{ age: 30, plan: 'pro', visits: 1.5 }] }),
      'dataframe_records[0].visits',
    );
    expect(visits.detail).toContain('integer');
    await expectInputProblem(
      await postPredict(request, name, {
        dataframe_split: {
          columns: ['plan', 'visits', 'age'],
          data: [
            ['pro', 1, 30],
            ['pro', null, 30],
          ],
        },
      }),
      'dataframe_split.data[1][1]',
    );
  });

  test('named inputs: unknown and missing inputs are named', async ({ request }) => {
    const name = await dataframeModel(request, 'df-named');
    await expectInputProblem(await postPredict(request, name, { inputs: { age: [[30]], plan: [['pro']] } }), 'inputs.visits');
    await expectInputProblem(await postPredict(request, name, { inputs: { age: [[30]], plan: [['pro']], visits: [[1]], bonus: [[1]] } }), 'inputs.bonus');
  });
});

test.describe('routes, aliases and hot swap', () => {
  test('unqualified predict uses production; alias and version routes answer their version', async ({ request }) => {
    const name = await regressor(request, 'route', { versions: 3, production: 2 });
    await setAlias(request, name, 'staging', 3);
    const body = { instances: [[1, 2, 3]] };

    const prod = await predictOk(request, name, body);
    expect(prod.model).toEqual({ name, version: 2, alias: 'production' });
    const prodAlias = await predictOk(request, name, body, { alias: 'production' });
    expect(prodAlias.model).toEqual({ name, version: 2, alias: 'production' });
    const staging = await predictOk(request, name, body, { alias: 'staging' });
    expect(staging.model).toEqual({ name, version: 3, alias: 'staging' });
    const v1 = await predictOk(request, name, body, { version: 1 });
    expect(v1.model).toEqual({ name, version: 1, alias: null });
    for (const a of [prod, prodAlias, staging, v1]) expectCloseArray(a.predictions as number[], [14.5]);

    const logged = await loggedPredictions(
      request,
      [prod, prodAlias, staging, v1].map((a) => a.prediction_ids[0]),
    );
    expect(logged.map((r) => [r.version_number, r.alias])).toEqual([
      [2, 'production'],
      [2, 'production'],
      [3, 'staging'],
      [1, null],
    ]);
  });

  test('hot swap: after moving production, the very next prediction answers with the new version', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'swap', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx', labels: TIERS });
    // Version 2 is a different model: the ZipMap classifier (4 features) under the same labels, so
    // each move passes the promotion guard with force.
    expect(await addVersion(request, name, 'skl-zipmap.onnx')).toBe(2);
    const v1Body = { instances: [[3, 0]] };
    const v2Body = { instances: [[0, 5, 1, 0]] };
    expect((await predictOk(request, name, v1Body)).model.version).toBe(1);
    for (let round = 0; round < 3; round++) {
      await setAlias(request, name, 'production', 2, true);
      const two = await predictOk(request, name, v2Body);
      expect(two.model).toEqual({ name, version: 2, alias: 'production' });
      expect(two.predictions).toEqual(['silver']);
      await setAlias(request, name, 'production', 1, true);
      const one = await predictOk(request, name, v1Body);
      expect(one.model).toEqual({ name, version: 1, alias: 'production' });
      expect(one.predictions).toEqual(['gold']);
    }
    // The old version's input no longer fits production: the swap is real, not a cached answer.
    await expectInputProblem(await postPredict(request, name, v2Body), 'instances');
  });

  test('unknown model, alias or version answers 404 naming it', async ({ request }) => {
    const name = await regressor(request, 'route-404');
    const body = { instances: [[1, 2, 3]] };
    const model = await expectProblem(await postPredict(request, uniqueName('nobody'), body), 404);
    expect(errorPaths(model)).toEqual(['name']);
    const alias = await expectProblem(await postPredict(request, name, body, { alias: 'canary' }), 404);
    expect(errorPaths(alias)).toEqual(['alias']);
    expect(alias.detail).toContain('canary');
    const version = await expectProblem(await postPredict(request, name, body, { version: 7 }), 404);
    expect(errorPaths(version)).toEqual(['version']);
    await expectProblem(await postPredict(request, uniqueName('nobody'), body, { version: 1 }), 404);
    await expectProblem(await postPredict(request, uniqueName('nobody'), body, { alias: 'staging' }), 404);
    expect(errorPaths(await expectProblem(await postPredict(request, 'Not_A%20Valid!Name', body), 404))).toEqual(['name']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, body, { alias: 'PROD' }), 400))).toEqual(['alias']);
  });

  test('a model without production answers 404 on "alias" for unqualified predict', async ({ request }) => {
    const name = await regressor(request, 'route-noprod', { production: null });
    const problem = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }), 404);
    expect(errorPaths(problem)).toEqual(['alias']);
    expect(problem.detail).toContain('production');
    // The version itself is servable.
    expect((await predictOk(request, name, { instances: [[1, 2, 3]] }, { version: 1 })).model).toEqual({ name, version: 1, alias: null });
    // And so is a model whose production alias was deleted.
    await setAlias(request, name, 'production', 1);
    expect((await request.delete(`/api/v1/models/${name}/aliases/production`)).status()).toBe(204);
    await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }), 404);
    // Once the model is deleted, its versions are gone from serving too.
    expect((await request.delete(`/api/v1/models/${name}`)).status()).toBe(204);
    const gone = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }, { version: 1 }), 404);
    expect(errorPaths(gone)).toEqual(['name']);
  });

  test('an archived version answers 409; restored, it serves again', async ({ request }) => {
    const name = await regressor(request, 'route-archived', { versions: 2, production: 2 });
    const archive = await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: true } });
    expect(archive.status(), await archive.text()).toBe(200);
    const problem = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }, { version: 1 }), 409);
    expect(errorPaths(problem)).toEqual(['version']);
    expect(problem.detail).toContain('archived');
    expect(loggedCount(name)).toBe(0);
    expect((await request.patch(`/api/v1/models/${name}/versions/1`, { data: { archived: false } })).status()).toBe(200);
    expect((await predictOk(request, name, { instances: [[1, 2, 3]] }, { version: 1 })).model.version).toBe(1);
  });

  test('an invalid version segment answers 400 on "version"', async ({ request }) => {
    const name = await regressor(request, 'route-badver');
    for (const v of ['0', 'abc', '1.5', '-1']) {
      const problem = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }, { version: v }), 400);
      expect(errorPaths(problem), v).toEqual(['version']);
    }
  });

  test('a wrong method answers 405 problem+json with Allow: POST', async ({ request }) => {
    const name = await regressor(request, 'route-405');
    for (const path of [`/api/v1/models/${name}/predict`, `/api/v1/models/${name}/aliases/production/predict`, `/api/v1/models/${name}/versions/1/predict`]) {
      const res = await request.get(path);
      await expectProblem(res, 405);
      expect(res.headers().allow).toBe('POST');
    }
  });
});

test.describe('validation: 4xx problem+json naming the field, never a 5xx, nothing logged', () => {
  test('malformed JSON, an empty body and a non-object body answer 400 on "body"', async ({ request }) => {
    const name = await regressor(request, 'val-json');
    for (const raw of ['{"instances": [[1, 2, 3]]', '{instances: 1}', 'null', '[]', '"instances"', '42']) {
      const problem = await expectProblem(await postPredict(request, name, raw), 400);
      expect(errorPaths(problem), raw).toEqual(['body']);
    }
    const empty = await request.post(`/api/v1/models/${name}/predict`, { headers: { 'content-type': 'application/json' } });
    expect(errorPaths(await expectProblem(empty, 400))).toEqual(['body']);
    expect(loggedCount(name)).toBe(0);
  });

  test('unknown format keys, no format, or two formats at once answer 400 naming the key', async ({ request }) => {
    const name = await regressor(request, 'val-keys');
    const unknown = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], data: [[1, 2, 3]] }), 400);
    expect(errorPaths(unknown)).toEqual(['data']);
    const only = await expectProblem(await postPredict(request, name, { records: [[1, 2, 3]] }), 400);
    expect(errorPaths(only)).toEqual(['records']);
    const none = await expectProblem(await postPredict(request, name, {}), 400);
    expect(errorPaths(none)).toEqual(['body']);
    const two = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], inputs: [[1, 2, 3]] }), 400);
    expect(errorPaths(two)).toHaveLength(1);
    expect(['instances', 'inputs']).toContain(errorPaths(two)[0]);
    const split = await expectProblem(await postPredict(request, name, { dataframe_split: { columns: FEATURES, data: [[1, 2, 3]], dtypes: {} } }), 400);
    expect(errorPaths(split)).toEqual(['dataframe_split.dtypes']);
    await expectInputProblem(await postPredict(request, name, { instances: { a: 1 } }), 'instances');
    await expectInputProblem(await postPredict(request, name, { dataframe_split: [[1, 2, 3]] }), 'dataframe_split');
    expect(loggedCount(name)).toBe(0);
  });

  test('ragged rows name the row', async ({ request }) => {
    const name = await regressor(request, 'val-ragged');
    await expectInputProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2, 3],
          [1, 2],
        ],
      }),
      'instances[1]',
    );
    await expectInputProblem(
      await postPredict(request, name, {
        dataframe_split: {
          columns: FEATURES,
          data: [
            [1, 2, 3],
            [1, 2, 3, 4],
          ],
        },
      }),
      'dataframe_split.data[1]',
    );
    await expectInputProblem(
      await postPredict(request, name, {
        dataframe_split: {
          data: [
            [1, 2, 3],
            [1, 2],
          ],
        },
      }),
      'dataframe_split.data[1]',
    );
    await expectInputProblem(
      await postPredict(request, name, {
        dataframe_records: [
          { a: 1, b: 2, c: 3 },
          { a: 1, b: 2 },
        ],
      }),
      'dataframe_records[1]',
    );
    await expectInputProblem(
      await postPredict(request, name, {
        inputs: {
          input: [
            [1, 2, 3],
            [1, 2],
          ],
        },
      }),
      'inputs.input[1]',
    );
    await expectInputProblem(await postPredict(request, name, { instances: [[1, 2, 3], 7] }), 'instances[1]');
    expect(loggedCount(name)).toBe(0);
  });

  test('a wrong feature count answers 4xx naming the rows', async ({ request }) => {
    const name = await regressor(request, 'val-width');
    const short = await expectInputProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2],
          [3, 4],
        ],
      }),
      'instances',
    );
    expect(short.detail).toContain('3');
    await expectInputProblem(await postPredict(request, name, { dataframe_split: { data: [[1, 2, 3, 4]] } }), 'dataframe_split.data');
    await expectInputProblem(await postPredict(request, name, { inputs: { input: [[1, 2, 3, 4]] } }), 'inputs.input');
    await expectInputProblem(await postPredict(request, name, { inputs: [[1, 2]] }), 'inputs');
    expect(loggedCount(name)).toBe(0);
  });

  test('missing or extra columns (feature_names) answer 4xx naming the column', async ({ request }) => {
    const name = await regressor(request, 'val-cols');
    const missing = await expectInputProblem(await postPredict(request, name, { dataframe_records: [{ a: 1, b: 2 }] }), 'dataframe_records');
    expect(missing.detail).toMatch(/missing[^(]*\bc\b/);
    const extra = await expectInputProblem(await postPredict(request, name, { instances: [{ a: 1, b: 2, c: 3, d: 4 }] }), 'instances');
    expect(extra.detail).toMatch(/\bd\b/);
    const renamed = await expectInputProblem(
      await postPredict(request, name, { dataframe_split: { columns: ['a', 'b', 'x'], data: [[1, 2, 3]] } }),
      'dataframe_split.data',
    );
    expect(renamed.detail).toMatch(/missing[^(]*\bc\b/);
    const dup = await expectProblem(await postPredict(request, name, { dataframe_split: { columns: ['a', 'a', 'b'], data: [[1, 2, 3]] } }), 400);
    expect(errorPaths(dup)).toEqual(['dataframe_split.columns']);
    expect(loggedCount(name)).toBe(0);
  });

  test('strings, booleans, lists or null where numbers are expected name the cell', async ({ request }) => {
    const name = await regressor(request, 'val-types');
    const str = await expectInputProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2, 3],
          [1, 2, 'three'],
        ],
      }),
      'instances[1][2]',
    );
    expect(str.detail).toContain('number');
    await expectInputProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2, 3],
          [1, 2, '3'],
        ],
      }),
      'instances[1][2]',
    );
    await expectInputProblem(await postPredict(request, name, { instances: [[true, 2, 3]] }), 'instances[0][0]');
    await expectInputProblem(await postPredict(request, name, { instances: [[1, [2], 3]] }), 'instances[0][1]');
    const nul = await expectInputProblem(await postPredict(request, name, { dataframe_records: [{ a: 1, b: null, c: 3 }] }), 'dataframe_records[0].b');
    expect(nul.detail).toContain('null');
    // Columns c, a, b: the bad value sits in column "a", the second one sent.
    await expectInputProblem(
      await postPredict(request, name, {
        dataframe_split: {
          columns: ['c', 'a', 'b'],
          data: [
            [3, 1, 2],
            [3, 'x', 2],
          ],
        },
      }),
      'dataframe_split.data[1][1]',
    );
    await expectInputProblem(
      await postPredict(request, name, {
        inputs: {
          input: [
            [1, 2, 3],
            [4, null, 6],
          ],
        },
      }),
      'inputs.input[1][1]',
    );
    expect(loggedCount(name)).toBe(0);
  });

  test('non-finite numbers (1e999 parses as Infinity) are refused naming the cell', async ({ request }) => {
    const name = await regressor(request, 'val-inf');
    const inf = await expectInputProblem(await postPredict(request, name, '{"instances": [[1, 2, 3], [1, 1e999, 3]]}'), 'instances[1][1]');
    expect(inf.detail).toMatch(/finite/);
    await expectInputProblem(await postPredict(request, name, '{"dataframe_records": [{"a": -1e999, "b": 2, "c": 3}]}'), 'dataframe_records[0].a');
    expect(loggedCount(name)).toBe(0);
  });

  test('empty batches answer 400 naming the list', async ({ request }) => {
    const name = await regressor(request, 'val-empty');
    const inst = await expectProblem(await postPredict(request, name, { instances: [] }), 400);
    expect(errorPaths(inst)).toEqual(['instances']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { dataframe_records: [] }), 400))).toEqual(['dataframe_records']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { dataframe_split: { columns: FEATURES, data: [] } }), 400))).toEqual([
      'dataframe_split.data',
    ]);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { inputs: [] }), 400))).toEqual(['inputs']);
    await expectInputProblem(await postPredict(request, name, { inputs: { input: [] } }), 'inputs.input');
    expect(loggedCount(name)).toBe(0);
  });

  test('more than MAX_BATCH_ROWS (10000) rows answers 413 on the list', async ({ request }) => {
    const name = await regressor(request, 'val-rows');
    const rows = Array.from({ length: 10_001 }, () => [1, 2, 3]);
    const problem = await expectProblem(await postPredict(request, name, { instances: rows }), 413);
    expect(errorPaths(problem)).toEqual(['instances']);
    expect(problem.detail).toContain('10000');
    const split = await expectProblem(await postPredict(request, name, { dataframe_split: { columns: FEATURES, data: rows } }), 413);
    expect(errorPaths(split)).toEqual(['dataframe_split.data']);
    const named = await expectProblem(await postPredict(request, name, { inputs: { input: rows } }), 413);
    expect(errorPaths(named)).toEqual(['inputs.input']);
    expect(loggedCount(name)).toBe(0);
  });

  test('a body over MAX_BODY_MB (16) answers 413 on "body"', async ({ request }) => {
    const name = await regressor(request, 'val-body');
    const raw = `{"instances": [[1, 2, 3]], "params": {"pad": "${'x'.repeat(17 * 1024 * 1024)}"}}`;
    const problem = await expectProblem(await postPredict(request, name, raw), 413);
    expect(errorPaths(problem)).toEqual(['body']);
    expect(loggedCount(name)).toBe(0);
    // The server keeps serving afterwards.
    expectCloseArray((await predictOk(request, name, { instances: [[1, 2, 3]] })).predictions as number[], [14.5]);
  });

  test('ids of the wrong length or type answer 400 on "ids"', async ({ request }) => {
    const name = await regressor(request, 'val-ids');
    const count = await expectProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2, 3],
          [4, 5, 6],
        ],
        ids: ['only-one'],
      }),
      400,
    );
    expect(errorPaths(count)).toEqual(['ids']);
    const tooMany = await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], ids: ['a', 'b'] }), 400);
    expect(errorPaths(tooMany)).toEqual(['ids']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], ids: 'a' }), 400))).toEqual(['ids']);
    expect(
      errorPaths(
        await expectProblem(
          await postPredict(request, name, {
            instances: [
              [1, 2, 3],
              [1, 2, 3],
            ],
            ids: ['a', 'x'.repeat(257)],
          }),
          400,
        ),
      ),
    ).toEqual(['ids[1]']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], ids: [''] }), 400))).toEqual(['ids[0]']);
    expect(errorPaths(await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]], ids: [{ id: 1 }] }), 400))).toEqual(['ids[0]']);
    expect(loggedCount(name)).toBe(0);
  });

  test('a multipart body answers 415, not a 5xx', async ({ request }) => {
    const name = await regressor(request, 'val-415');
    const res = await request.post(`/api/v1/models/${name}/predict`, { multipart: { instances: '[[1,2,3]]' } });
    await expectProblem(res, 415);
  });
});

test.describe('prediction log and metrics', () => {
  test('each prediction id is logged with its version, alias, value and inputs', async ({ request }) => {
    const name = await regressor(request, 'log-reg');
    const before = Date.now();
    const answer = await predictOk(request, name, { instances: ROWS, ids: ['x1', 'x2', 'x3'] });
    const logged = await loggedPredictions(request, answer.prediction_ids);
    expect(logged.map((r) => r.id)).toEqual(answer.prediction_ids);
    logged.forEach((row, i) => {
      expect(row.model_name).toBe(name);
      expect(row.version_number).toBe(1);
      expect(row.alias).toBe('production');
      expect(row.client_id).toBe(`x${i + 1}`);
      expect(row.label).toBeNull();
      expect(row.value).toBeCloseTo(answer.predictions[i] as number, 5);
      expect(row.value).toBeCloseTo(EXPECTED[i], 4);
      expect(row.probabilities).toBeNull();
      expect(row.source).toBe(0);
      expect(row.input_codec).toBe(INPUT_CODEC.f32);
      expect(decodeLoggedInputs(row)).toEqual(ROWS[i]);
      expect(row.ts).toBeGreaterThanOrEqual(before - 1000);
      expect(row.ts).toBeLessThanOrEqual(Date.now() + 1000);
      expect(Number.isInteger(row.latency_us)).toBe(true);
      expect(row.latency_us).toBeGreaterThanOrEqual(0);
    });
    expect(loggedCount(name)).toBe(3);
  });

  test('classifications are logged with their label and probabilities', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'log-cls', task: 'multiclass_classification', file: 'skl-strings-nozipmap.onnx', labels: TIERS });
    const rows = [
      [-2, 0],
      [3, -1],
    ];
    const answer = await predictOk(request, name, { instances: rows }, { alias: 'production' });
    const logged = await loggedPredictions(request, answer.prediction_ids);
    expect(logged.map((r) => r.label)).toEqual(['bronze', 'gold']);
    logged.forEach((row, i) => {
      expect(row.value).toBeNull();
      expectCloseArray(decodeLoggedProbabilities(row)!, tierProbs(rows[i]), 5);
      expect(row.client_id).toBeNull();
    });
    const zip = await servedModel(request, { prefix: 'log-zip', task: 'multiclass_classification', file: 'skl-zipmap.onnx', labels: ['a', 'b', 'c'] });
    const zipAnswer = await predictOk(request, zip, { instances: [[0, 9, 0, 0]] }, { version: 1 });
    const [zipRow] = await loggedPredictions(request, zipAnswer.prediction_ids);
    expect(zipRow).toMatchObject({ label: 'b', probabilities: null, alias: null, version_number: 1 });
  });

  test('GET /metrics counts prediction requests per model, version and status class', async ({ request }) => {
    const name = await regressor(request, 'log-metrics');
    for (let i = 0; i < 3; i++) await predictOk(request, name, { instances: ROWS });
    await expectInputProblem(await postPredict(request, name, { instances: [[1, 2]] }), 'instances');
    const text = await scrapeMetrics(request);
    expect(metricSample(text, 'modeldock_prediction_requests_total', { route: 'rest', model: name, version: '1', status: '2xx' })).toBe(3);
    expect(metricSample(text, 'modeldock_prediction_requests_total', { route: 'rest', model: name, version: '', status: '4xx' })).toBe(1);
    expect(loggedCount(name)).toBe(9);
  });

  test('a model created without any version answers 404, not a 5xx', async ({ request }) => {
    const name = uniqueName('log-empty');
    await createModel(request, { name, task: 'regression' });
    await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }), 404);
    await expectProblem(await postPredict(request, name, { instances: [[1, 2, 3]] }, { version: 1 }), 404);
  });
});
