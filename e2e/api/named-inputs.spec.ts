// No silent wrong answers: named rows and columns map by name or are refused, feature_names can be
// declared later on a version (audited, effective at once), a reference sample's header names the
// features, client ids are unique within a request, and an outcome by client id labels one
// documented row (the latest prediction of that id at or before the outcome's ts).
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createModel, fixture, uniqueName } from '../fixtures';
import { errorPaths, expectProblem, onnxPart, referencePart } from './helpers';
import { daysAgo, HOUR, importOk, iso, outcomesOk, postImport } from './monitoring-helpers';
import { expectCloseArray, expectInputProblem, loggedPredictions, postPredict, predictOk, regress, servedModel, setAlias, spend } from './serving-helpers';

// regressor.onnx: one input "input" [batch, 3], y = x0 + 2·x1 + 3·x2 + 0.5.
const regressor = (request: APIRequestContext, prefix: string, metadata?: Record<string, unknown>) =>
  servedModel(request, { prefix, task: 'regression', file: 'regressor.onnx', metadata });

async function patchVersion(request: APIRequestContext, name: string, n: number, data: unknown) {
  return request.patch(`/api/v1/models/${name}/versions/${n}`, { data });
}

async function outcomeOf(request: APIRequestContext, ids: string[]): Promise<(string | number | null)[]> {
  return (await loggedPredictionsWithOutcome(request, ids)).map((p) => p.outcome?.actual ?? null);
}

async function loggedPredictionsWithOutcome(request: APIRequestContext, ids: string[]) {
  const res = await request.get('/api/v1/predictions', { params: { ids: ids.join(',') } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { predictions: { id: string; outcome: { actual: string | number } | null }[] }).predictions;
}

test.describe('named input without feature_names', () => {
  test('rows as objects, records and named columns are refused with 400 saying how to fix it; never answered by key order', async ({ request }) => {
    const name = await regressor(request, 'ni-refuse');
    const row = { a: 1, b: 2, c: 3 };
    const reversed = { c: 3, b: 2, a: 1 };
    const bodies: [unknown, string][] = [
      [{ instances: [row] }, 'instances[0]'],
      [{ instances: [reversed] }, 'instances[0]'],
      [{ dataframe_records: [row, reversed] }, 'dataframe_records[0]'],
      [{ dataframe_split: { columns: ['c', 'b', 'a'], data: [[3, 2, 1]] } }, 'dataframe_split.columns'],
    ];
    for (const [body, path] of bodies) {
      const problem = await expectProblem(await postPredict(request, name, body), 400);
      expect(errorPaths(problem)).toEqual([path]);
      expect(problem.detail).toContain('feature_names');
      expect(problem.detail).toMatch(/arrays/);
      expect(problem.detail).toContain('PATCH');
    }
    // Order is what the client states: arrays, and dataframe_split without columns.
    expectCloseArray((await predictOk(request, name, { instances: [[1, 2, 3]] })).predictions as number[], [14.5]);
    expectCloseArray((await predictOk(request, name, { dataframe_split: { data: [[1, 2, 3]] } })).predictions as number[], [14.5]);
  });

  test("a column named like the model's own input tensor maps by that name", async ({ request }) => {
    const name = await regressor(request, 'ni-tensor');
    const answer = await predictOk(request, name, { dataframe_records: [{ input: [1, 2, 3] }, { input: [0, 0, 1] }] });
    expectCloseArray(answer.predictions as number[], [14.5, 3.5]);
    const split = await predictOk(request, name, { dataframe_split: { columns: ['input'], data: [[[1, 2, 3]]] } });
    expectCloseArray(split.predictions as number[], [14.5]);
  });

  test('multi-input models keep mapping columns to their inputs by name, whatever the order', async ({ request }) => {
    const name = await servedModel(request, { prefix: 'ni-multi', task: 'regression', file: 'skl-dataframe.onnx' });
    const a = await predictOk(request, name, { dataframe_records: [{ age: 30, plan: 'pro', visits: 4 }] });
    const b = await predictOk(request, name, { dataframe_records: [{ visits: 4, plan: 'pro', age: 30 }] });
    expectCloseArray(a.predictions as number[], [spend(30, 'pro', 4)]);
    expect(b.predictions).toEqual(a.predictions);
  });

  test('import: inputs given as objects are refused for a version without feature_names, naming the record', async ({ request }) => {
    const name = await regressor(request, 'ni-import');
    const res = await postImport(request, name, 1, [
      { ts: daysAgo(1), inputs: { a: 1, b: 2, c: 3 } },
      { ts: daysAgo(1), inputs: { c: 3, b: 2, a: 1 } },
    ]);
    const problem = await expectInputProblem(res, 'records[0].inputs', [400]);
    expect(problem.detail).toContain('feature_names');
  });
});

test.describe('V2 infer (already by name: kept so)', () => {
  test('inputs match by name in any order; outputs are answered in the order asked, by name', async ({ request }) => {
    const df = await servedModel(request, { prefix: 'ni-v2-df', task: 'regression', file: 'skl-dataframe.onnx' });
    const age = { name: 'age', shape: [1, 1], datatype: 'FP32', data: [30] };
    const plan = { name: 'plan', shape: [1, 1], datatype: 'BYTES', data: ['pro'] };
    const visits = { name: 'visits', shape: [1, 1], datatype: 'INT64', data: [4] };
    for (const inputs of [
      [age, plan, visits],
      [visits, age, plan],
      [plan, visits, age],
    ]) {
      const res = await request.post(`/v2/models/${df}/infer`, { data: { inputs } });
      expect(res.status(), await res.text()).toBe(200);
      expectCloseArray((await res.json()).outputs[0].data, [spend(30, 'pro', 4)]);
    }
    const cls = await servedModel(request, {
      prefix: 'ni-v2-out',
      task: 'multiclass_classification',
      file: 'skl-strings-nozipmap.onnx',
      labels: ['bronze', 'silver', 'gold'],
    });
    const input = { name: 'float_input', shape: [1, 2], datatype: 'FP32', data: [2, 0] };
    const res = await request.post(`/v2/models/${cls}/infer`, { data: { inputs: [input], outputs: [{ name: 'probabilities' }, { name: 'label' }] } });
    expect(res.status(), await res.text()).toBe(200);
    const outputs = (await res.json()).outputs as { name: string; data: unknown[] }[];
    expect(outputs.map((o) => o.name)).toEqual(['probabilities', 'label']);
    expect(outputs[1].data).toEqual(['gold']);
  });
});

test.describe('feature_names on an existing version (PATCH)', () => {
  test('set, changed and cleared: audited with the actor, and serving follows at once', async ({ request }) => {
    const name = await regressor(request, 'ni-patch');
    expect((await postPredict(request, name, { dataframe_records: [{ a: 1, b: 2, c: 3 }] })).status()).toBe(400);

    const set = await patchVersion(request, name, 1, { feature_names: ['c', 'b', 'a'] });
    expect(set.status(), await set.text()).toBe(200);
    expect((await set.json()).version.feature_names).toEqual(['c', 'b', 'a']);
    expect((await (await request.get(`/api/v1/models/${name}/versions/1`)).json()).version.feature_names).toEqual(['c', 'b', 'a']);
    // By name: the input's columns are c, b, a.
    const row = { a: 1, b: 2, c: 3 };
    expectCloseArray((await predictOk(request, name, { dataframe_records: [row] })).predictions as number[], [regress([3, 2, 1])]);
    expectCloseArray((await predictOk(request, name, { instances: [{ c: 3, a: 1, b: 2 }] })).predictions as number[], [regress([3, 2, 1])]);

    // Changed again: the next request already uses the new names (the serving plan is not stale).
    expect((await patchVersion(request, name, 1, { feature_names: ['a', 'b', 'c'] })).status()).toBe(200);
    expectCloseArray((await predictOk(request, name, { dataframe_records: [row] })).predictions as number[], [14.5]);
    const v2 = await request.post(`/v2/models/${name}/infer`, { data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] } });
    expect(v2.status()).toBe(200);

    // Cleared: named rows are refused again.
    expect((await patchVersion(request, name, 1, { feature_names: null })).status()).toBe(200);
    expect((await postPredict(request, name, { dataframe_records: [row] })).status()).toBe(400);

    const events = (await (await request.get(`/api/v1/models/${name}/events`)).json()).events as {
      kind: string;
      actor: string;
      detail: Record<string, unknown>;
    }[];
    const edits = events.filter((e) => e.kind === 'version_updated' && 'feature_names' in e.detail);
    expect(edits.map((e) => e.detail.feature_names)).toEqual([null, ['a', 'b', 'c'], ['c', 'b', 'a']]);
    expect(edits.every((e) => e.actor === 'admin-key' && e.detail.version === 1)).toBe(true);
    expect(edits[2].detail.previous_feature_names).toBeNull();
  });

  test('refused: wrong count, repeated or empty names, a model with several inputs — naming feature_names', async ({ request }) => {
    const name = await regressor(request, 'ni-patch-bad');
    const count = await expectProblem(await patchVersion(request, name, 1, { feature_names: ['a', 'b'] }), 422);
    expect(errorPaths(count)).toEqual(['feature_names']);
    expect(count.detail).toContain('3');
    const repeated = await expectProblem(await patchVersion(request, name, 1, { feature_names: ['a', 'a', 'b'] }), 400);
    expect(errorPaths(repeated)[0]).toMatch(/^feature_names/);
    const empty = await expectProblem(await patchVersion(request, name, 1, { feature_names: ['a', '', 'b'] }), 400);
    expect(errorPaths(empty)[0]).toMatch(/^feature_names/);
    const notList = await expectProblem(await patchVersion(request, name, 1, { feature_names: 'a,b,c' }), 400);
    expect(errorPaths(notList)[0]).toMatch(/^feature_names/);
    expect((await (await request.get(`/api/v1/models/${name}/versions/1`)).json()).version.feature_names).toBeNull();

    const multi = await servedModel(request, { prefix: 'ni-patch-multi', task: 'regression', file: 'skl-dataframe.onnx' });
    const problem = await expectProblem(await patchVersion(request, multi, 1, { feature_names: ['age', 'plan', 'visits'] }), 422);
    expect(errorPaths(problem)).toEqual(['feature_names']);
  });
});

test.describe('reference sample header', () => {
  test('a header as wide as the input becomes the feature names; any other header does not', async ({ request }) => {
    const name = uniqueName('ni-ref');
    await createModel(request, { name, task: 'regression' });
    const up = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart('c,a,b\n3,1,2\n6,4,5\n') },
    });
    expect(up.status(), await up.text()).toBe(201);
    expect((await up.json()).version.feature_names).toEqual(['c', 'a', 'b']);
    await setAlias(request, name, 'production', 1);
    expectCloseArray((await predictOk(request, name, { dataframe_records: [{ a: 1, b: 2, c: 3 }] })).predictions as number[], [regress([3, 1, 2])]);

    // Four columns for a three-feature input (a target column, an index): not names of the input.
    const wide = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: { file: onnxPart(fixture('regressor.onnx')), reference: referencePart('a,b,c,y\n1,2,3,4\n') },
    });
    expect(wide.status(), await wide.text()).toBe(201);
    expect((await wide.json()).version.feature_names).toBeNull();
    // Names given in metadata win over the header.
    const given = await request.post(`/api/v1/models/${name}/versions`, {
      multipart: {
        file: onnxPart(fixture('regressor.onnx')),
        metadata: JSON.stringify({ feature_names: ['a', 'b', 'c'] }),
        reference: referencePart('c,a,b\n3,1,2\n'),
      },
    });
    expect((await given.json()).version.feature_names).toEqual(['a', 'b', 'c']);
  });
});

test.describe('client ids', () => {
  test('the same id twice in one request is refused with 400 naming the second occurrence', async ({ request }) => {
    const name = await regressor(request, 'ni-dup', { feature_names: ['a', 'b', 'c'] });
    const problem = await expectProblem(
      await postPredict(request, name, {
        instances: [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
        ids: ['c1', 'c2', 'c1'],
      }),
      400,
    );
    expect(errorPaths(problem)).toEqual(['ids[2]']);
    expect(problem.detail).toContain('ids[0]');
    // A number and the same digits as a string are one id.
    expect(
      errorPaths(
        await expectProblem(
          await postPredict(request, name, {
            instances: [
              [1, 2, 3],
              [4, 5, 6],
            ],
            ids: [7, '7'],
          }),
          400,
        ),
      ),
    ).toEqual(['ids[1]']);
    expect(
      (
        await postPredict(request, name, {
          instances: [
            [1, 2, 3],
            [4, 5, 6],
          ],
          ids: ['c1', 'c2'],
        })
      ).status(),
    ).toBe(200);
  });

  test('import: the same id at the same time twice is refused; at different times it is a history', async ({ request }) => {
    const name = await regressor(request, 'ni-dup-imp');
    const ts = daysAgo(2);
    const same = await postImport(request, name, 1, [
      { ts, inputs: [1, 2, 3], id: 'k' },
      { ts: iso(ts), inputs: [1, 2, 3], id: 'k' },
    ]);
    expect(errorPaths(await expectProblem(same, 400))).toEqual(['records[1].id']);
    const history = await importOk(request, name, 1, [
      { ts, inputs: [1, 2, 3], id: 'k' },
      { ts: ts + HOUR, inputs: [1, 2, 3], id: 'k' },
    ]);
    expect(history.prediction_ids).toHaveLength(2);
  });
});

test.describe("outcome join by client id: the latest prediction of that id at or before the outcome's ts", () => {
  test('a customer scored every day: each outcome labels the prediction it follows', async ({ request }) => {
    const name = await regressor(request, 'ni-join');
    const d = daysAgo(5);
    const { prediction_ids: days } = await importOk(
      request,
      name,
      1,
      [0, 1, 2].map((k) => ({ ts: d + k * 24 * HOUR, inputs: [k, 0, 0], id: 'cust-1' })),
    );
    // Logged in another order than their times: the join goes by time, not by arrival.
    const {
      prediction_ids: [early],
    } = await importOk(request, name, 1, [{ ts: d - 24 * HOUR, inputs: [9, 9, 9], id: 'cust-1' }]);

    // ts on day 1 + 5 h: the day-1 prediction.
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 10, ts: iso(d + 29 * HOUR) }])).toMatchObject({
      accepted: 1,
      updated: 0,
      unknown: [],
    });
    // Exactly at a prediction's time: that prediction.
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 20, ts: d + 48 * HOUR }])).toMatchObject({ accepted: 1 });
    // Before every prediction of that id: unknown, nothing labeled.
    const before = await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 30, ts: iso(d - 48 * HOUR) }]);
    expect(before).toMatchObject({ accepted: 0, updated: 0 });
    expect(before.unknown).toEqual([{ index: 0, model: name, id: 'cust-1' }]);
    expect(await outcomeOf(request, [early, ...days])).toEqual([null, null, 10, 20]);

    // Without ts (now): the latest. Re-posting is idempotent; a different actual corrects that row.
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 40 }])).toMatchObject({ accepted: 0, updated: 1 });
    expect(await outcomeOf(request, [early, ...days])).toEqual([null, null, 10, 40]);
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 40 }])).toMatchObject({ accepted: 0, updated: 1 });
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 41 }])).toMatchObject({ accepted: 0, updated: 1 });
    expect(await outcomeOf(request, [early, ...days])).toEqual([null, null, 10, 41]);

    // A live prediction of the same id is now the latest.
    const live = await predictOk(request, name, { instances: [[1, 1, 1]], ids: ['cust-1'] });
    expect(await outcomesOk(request, [{ model: name, id: 'cust-1', actual: 7 }])).toMatchObject({ accepted: 1, updated: 0 });
    expect(await outcomeOf(request, [days[2], live.prediction_ids[0]])).toEqual([41, 7]);
    // Rows logged in one request share a time: with distinct ids each joins its own row.
    const both = await predictOk(request, name, {
      instances: [
        [1, 0, 0],
        [2, 0, 0],
      ],
      ids: ['p-1', 'p-2'],
    });
    await outcomesOk(request, [
      { model: name, id: 'p-2', actual: 2 },
      { model: name, id: 'p-1', actual: 1 },
    ]);
    expect(await outcomeOf(request, both.prediction_ids)).toEqual([1, 2]);
    const logged = await loggedPredictions(request, both.prediction_ids);
    expect(logged.map((p) => p.client_id)).toEqual(['p-1', 'p-2']);
  });
});
