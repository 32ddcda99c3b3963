// GET /api/v1/models/{name}/predictions: newest first across versions, every row once through
// the cursor, filters (version, alias, time, labeled), inputs by name for every kind of signature,
// a bounded limit, and refusals that name the field.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { errorPaths, expectProblem } from './helpers';
import { addVersion, servedModel, setAlias } from './serving-helpers';

interface Row {
  id: string;
  ts: string;
  version: number;
  inputs: Record<string, unknown>;
  prediction: unknown;
  probabilities?: Record<string, number>;
  outcome?: { actual: unknown; ts: string };
  client_id?: string;
  source: string;
  alias?: string;
}

async function page(
  request: APIRequestContext,
  name: string,
  params: Record<string, string | number> = {},
): Promise<{ predictions: Row[]; next_cursor: string | null }> {
  const res = await request.get(`/api/v1/models/${name}/predictions`, { params });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function all(request: APIRequestContext, name: string, params: Record<string, string | number>): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const p = await page(request, name, cursor ? { ...params, cursor } : params);
    expect(p.predictions.length).toBeLessThanOrEqual(Number(params.limit ?? 50));
    rows.push(...p.predictions);
    if (!p.next_cursor) return rows;
    cursor = p.next_cursor;
  }
  throw new Error('more than 100 pages');
}

test('pages walk every prediction once, newest first, across versions; filters narrow them', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'browse', task: 'binary_classification', file: 'logits-binary.onnx', labels: ['no', 'yes'] });
  expect(await addVersion(request, name, 'logits-binary-b.onnx')).toBe(2);
  const ids: string[] = [];
  const predict = async (path: string, rows: number[][], clientIds?: string[]) => {
    const res = await request.post(path, { data: { instances: rows, ...(clientIds ? { ids: clientIds } : {}) } });
    expect(res.status(), await res.text()).toBe(200);
    ids.push(...(await res.json()).prediction_ids);
  };
  for (let k = 0; k < 6; k++)
    await predict(
      `/api/v1/models/${name}/predict`,
      [
        [k, 1, 0, 0],
        [0, k, 1, 0],
        [1, 0, k, 0],
      ],
      [`a-${k}`, `b-${k}`, `c-${k}`],
    );
  for (let k = 0; k < 4; k++)
    await predict(`/api/v1/models/${name}/versions/2/predict`, [
      [k, 0, 1, 0],
      [0, 0, 0, k],
    ]);
  // Imported rows, earlier in time, with outcomes.
  const day = Date.now() - 5 * 86_400_000;
  const imported = await request.post(`/api/v1/models/${name}/versions/1/predictions/import`, {
    data: {
      records: [
        { ts: day, inputs: [1, 0, 0, 0], actual: 'no' },
        { ts: day + 1000, inputs: [0, 1, 0, 0], actual: 'yes', id: 'imp-1' },
      ],
    },
  });
  expect(imported.status(), await imported.text()).toBe(200);
  const importedIds: string[] = (await imported.json()).prediction_ids;
  const out = await request.post('/api/v1/outcomes', {
    data: {
      outcomes: [
        { prediction_id: ids[0], actual: 'yes' },
        { prediction_id: ids[20], actual: 'no' },
      ],
    },
  });
  expect((await out.json()).accepted).toBe(2);

  const rows = await all(request, name, { limit: 7 });
  expect(rows).toHaveLength(18 + 8 + 2);
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  // Newest first: time, then id, descending.
  const keys = rows.map((r) => `${String(Date.parse(r.ts)).padStart(16, '0')}.${r.id}`);
  expect([...keys].sort().reverse()).toEqual(keys);
  expect(rows.slice(-2).map((r) => r.id)).toEqual([importedIds[1], importedIds[0]]);

  const first = rows.find((r) => r.id === ids[0])!;
  expect(first).toMatchObject({ version: 1, source: 'live', alias: 'production', client_id: 'a-0', prediction: 'yes', outcome: { actual: 'yes' } });
  // The logits model has no feature names and no reference: its columns are x0…x3, as monitoring names them.
  expect(first.inputs).toEqual({ x0: 0, x1: 1, x2: 0, x3: 0 });
  expect(Object.keys(first.probabilities!)).toEqual(['no', 'yes']);
  const plain = rows.find((r) => r.id === ids[19])!;
  expect(plain.outcome).toBeUndefined();
  expect(plain.client_id).toBeUndefined();

  expect((await all(request, name, { version: 2 })).map((r) => r.version)).toEqual(Array(8).fill(2));
  expect(await all(request, name, { alias: 'production' })).toHaveLength(20);
  const labeled = await all(request, name, { labeled: 'true', limit: 2 });
  expect(labeled.map((r) => r.id)).toEqual([ids[20], ids[0], importedIds[1], importedIds[0]]);
  expect(labeled.map((r) => r.outcome!.actual)).toEqual(['no', 'yes', 'yes', 'no']);
  expect(await all(request, name, { labeled: 'false', limit: 5 })).toHaveLength(28 - 4);
  const window = await all(request, name, { from: new Date(day - 1).toISOString(), to: new Date(day + 500).toISOString() });
  expect(window.map((r) => r.id)).toEqual([importedIds[0]]);
  // Moving production moves the alias filter with it.
  await setAlias(request, name, 'production', 2);
  expect(await all(request, name, { alias: 'production' })).toHaveLength(8);
});

test('inputs are named for every signature: feature names, [N, 1] columns, name[j], and tensors', async ({ request }) => {
  const cases: {
    file: string;
    task: 'regression' | 'binary_classification';
    labels?: string[];
    metadata?: Record<string, unknown>;
    body: unknown;
    inputs: Record<string, unknown>;
  }[] = [
    {
      file: 'regressor.onnx',
      task: 'regression',
      metadata: { feature_names: ['rooms', 'area', 'age'] },
      body: { dataframe_records: [{ age: 3, rooms: 1, area: 2.5 }] },
      inputs: { rooms: 1, area: 2.5, age: 3 },
    },
    {
      file: 'skl-dataframe.onnx',
      task: 'regression',
      body: { dataframe_records: [{ age: 30, plan: 'pro', visits: 4 }] },
      inputs: { age: 30, plan: 'pro', visits: 4 },
    },
    {
      file: 'two-input-tabular.onnx',
      task: 'regression',
      body: { inputs: { numeric: [[0.1, 0.2, 0.3]], categories: [[7, 8]] } },
      inputs: { 'categories[0]': 7, 'categories[1]': 8, 'numeric[0]': 0.1, 'numeric[1]': 0.2, 'numeric[2]': 0.3 },
    },
    {
      file: 'cnn-4d.onnx',
      task: 'binary_classification',
      labels: ['cat', 'dog'],
      body: {
        inputs: {
          image: [
            [
              [
                [1, 2, 3, 4],
                [5, 6, 7, 8],
                [9, 10, 11, 12],
                [13, 14, 15, 16],
              ],
            ],
          ],
        },
      },
      inputs: {
        image: [
          [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
            [9, 10, 11, 12],
            [13, 14, 15, 16],
          ],
        ],
      },
    },
    {
      file: 'bert-like.onnx',
      task: 'binary_classification',
      labels: ['negative', 'positive'],
      body: { inputs: { input_ids: [[101, 2000, 102]], attention_mask: [[1, 1, 0]] } },
      inputs: { input_ids: [101, 2000, 102], attention_mask: [1, 1, 0] },
    },
    { file: 'text-label.onnx', task: 'binary_classification', labels: ['ham', 'spam'], body: { instances: [['spam']] }, inputs: { text: 'spam' } },
    { file: 'regressor-f64.onnx', task: 'regression', body: { instances: [[0.1, 0.2]] }, inputs: { x0: 0.1, x1: 0.2 } },
  ];
  for (const c of cases) {
    const name = await servedModel(request, { prefix: 'browsein', task: c.task, file: c.file, labels: c.labels, metadata: c.metadata });
    const res = await request.post(`/api/v1/models/${name}/predict`, { data: c.body });
    expect(res.status(), `${c.file}: ${await res.text()}`).toBe(200);
    const [row] = (await page(request, name)).predictions;
    expect(row.inputs, c.file).toEqual(c.inputs);
  }
});

test('limit is bounded, the cursor is checked, and unknown targets are 404', async ({ request }) => {
  const name = await servedModel(request, { prefix: 'browsebad', task: 'regression', file: 'regressor.onnx' });
  for (const limit of ['0', '201', 'many', '1.5'])
    expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { limit } }), 400))).toEqual(['limit']);
  expect((await page(request, name, { limit: 200 })).predictions).toEqual([]);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { cursor: 'nope' } }), 400))).toEqual(['cursor']);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { labeled: 'maybe' } }), 400))).toEqual(['labeled']);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { from: 'yesterday' } }), 400))).toEqual(['from']);
  expect(
    errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { version: 1, alias: 'production' } }), 400)),
  ).toEqual(['alias']);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { version: 9 } }), 404))).toEqual(['version']);
  expect(errorPaths(await expectProblem(await request.get(`/api/v1/models/${name}/predictions`, { params: { alias: 'staging' } }), 404))).toEqual(['alias']);
  expect(errorPaths(await expectProblem(await request.get('/api/v1/models/no-such-model-here/predictions'), 404))).toEqual(['name']);
});
