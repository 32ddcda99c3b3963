// The state the fuzzer aims at: real models with versions, aliases, a reference sample, logged
// predictions and outcomes, so generated requests with valid names reach the deep code (serving,
// monitoring, outcome joins) rather than stopping at "no such model".
import { expect, type APIRequestContext } from '@playwright/test';
import { fixture, uniqueName } from '../../fixtures';
import { REFERENCE_CSV, onnxPart, referencePart } from '../helpers';

export type Task = 'regression' | 'binary_classification' | 'multiclass_classification';

export interface FuzzModel {
  name: string;
  task: Task;
  file: string;
  labels: string[] | null;
  /** Request bodies the model answers with 200, one per MLflow format. */
  predictBodies: unknown[];
  /** Bodies that name columns the version may not know (refused when it has no feature_names). */
  namedBodies?: unknown[];
  /** A V2 infer request the model answers with 200. */
  v2Body: unknown;
  /** A valid `actual` for an outcome. */
  actuals: unknown[];
  /** One row as the import route takes it. */
  importInputs: unknown;
}

export interface World {
  models: FuzzModel[];
  /** Created for DELETE routes only (deleting the main models would starve the rest of the run). */
  victims: string[];
  /** A model the fuzzer never names: it proves serving still works at the end. */
  sentinel: string;
  predictionIds: string[];
  clientIds: string[];
  fixtures: Record<string, Buffer>;
  /** The admin's session cookie ("name=value"), for pages; null when the server has no admin password. */
  cookie: string | null;
  /** Ids of API keys created for the fuzzer (revoking them is harmless). */
  keyIds: number[];
}

const FILES = [
  'regressor.onnx',
  'logits-binary.onnx',
  'skl-zipmap.onnx',
  'skl-dataframe.onnx',
  'skl-strings-nozipmap.onnx',
  'external-data.onnx',
  'unknown-op.onnx',
];

const PEOPLE = [
  { age: 30, plan: 'pro', visits: 4 },
  { age: 41.5, plan: 'basic', visits: 0 },
];

type Spec = Omit<FuzzModel, 'name'> & { prefix: string; metadata?: Record<string, unknown>; reference?: boolean };

const SPECS: Spec[] = [
  {
    prefix: 'fz-reg',
    task: 'regression',
    file: 'regressor.onnx',
    labels: null,
    reference: true,
    metadata: { feature_names: ['a', 'b', 'c'], description: 'fuzz regressor', metrics: { rmse: 0.5 }, source: 'fuzz' },
    predictBodies: [
      {
        instances: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
      { dataframe_split: { columns: ['a', 'b', 'c'], data: [[1, 2, 3]] } },
      { dataframe_records: [{ a: 1, b: 2, c: 3 }], ids: ['r-1'] },
      { inputs: { input: [[1, 2, 3]] } },
      { inputs: [[0.5, -1, 2]] },
    ],
    v2Body: { id: 'x', inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
    actuals: [1.5, 0, -3.25],
    importInputs: { a: 1, b: 2, c: 3 },
  },
  {
    prefix: 'fz-bin',
    task: 'binary_classification',
    file: 'logits-binary.onnx',
    labels: ['neg', 'pos'],
    metadata: { output: { positive_class: 'pos', threshold: 0.4 }, metrics: { accuracy: 0.9 } },
    predictBodies: [
      {
        instances: [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
        ],
        ids: ['b-1', 'b-2'],
      },
      { inputs: { input: [[1, 2, 3, 4]] } },
      { dataframe_split: { data: [[1, 2, 3, 4]] } },
    ],
    namedBodies: [
      {
        dataframe_records: [
          { x0: 1, x1: 0, x2: 0.5, x3: 0 },
          { x0: 0, x1: 2, x2: 0, x3: 1 },
        ],
        ids: ['n-1', 'n-2'],
      },
      { instances: [{ x0: 3, x1: 1, x2: 0, x3: 0 }] },
      { dataframe_split: { columns: ['x0', 'x1', 'x2', 'x3'], data: [[2, 0, 1, 0]] } },
    ],
    v2Body: {
      inputs: [
        {
          name: 'input',
          shape: [2, 4],
          datatype: 'FP32',
          data: [
            [1, 0, 0, 0],
            [0, 1, 0, 0],
          ],
        },
      ],
      outputs: [{ name: 'logits' }],
    },
    actuals: ['neg', 'pos', true],
    importInputs: [1, 0, 0, 0],
  },
  {
    prefix: 'fz-zip',
    task: 'multiclass_classification',
    file: 'skl-zipmap.onnx',
    labels: ['setosa', 'versicolor', 'virginica'],
    predictBodies: [{ instances: [[5, 1, 1, 0]] }, { inputs: { float_input: [[1, 5, 1, 1]] } }],
    namedBodies: [{ dataframe_records: [{ sepal_length: 5, sepal_width: 1, petal_length: 0, petal_width: 1 }] }],
    v2Body: { inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [1, 1, 5, 1] }], outputs: [{ name: 'output_label' }] },
    actuals: ['setosa', 'virginica'],
    importInputs: [1, 2, 3, 4],
  },
  {
    prefix: 'fz-df',
    task: 'regression',
    file: 'skl-dataframe.onnx',
    labels: null,
    predictBodies: [
      { dataframe_records: PEOPLE },
      { dataframe_split: { columns: ['visits', 'age', 'plan'], data: PEOPLE.map((p) => [p.visits, p.age, p.plan]) } },
      { inputs: { age: [[30]], plan: [['pro']], visits: [[4]] } },
    ],
    v2Body: {
      inputs: [
        { name: 'age', shape: [1, 1], datatype: 'FP32', data: [30] },
        { name: 'plan', shape: [1, 1], datatype: 'BYTES', data: ['pro'] },
        { name: 'visits', shape: [1, 1], datatype: 'INT64', data: [4] },
      ],
    },
    actuals: [54, 12],
    importInputs: PEOPLE[0],
  },
];

async function ok(res: Promise<import('@playwright/test').APIResponse>, status: number) {
  const r = await res;
  expect(r.status(), `${r.url()}: ${await r.text()}`).toBe(status);
  return r.json().catch(() => null);
}

/** One model per spec, each with versions 1 (production) and 2 (staging). */
export async function buildModels(request: APIRequestContext): Promise<FuzzModel[]> {
  const models: FuzzModel[] = [];
  for (const spec of SPECS) {
    const name = uniqueName(spec.prefix);
    await ok(
      request.post('/api/v1/models', { data: { name, task: spec.task, ...(spec.labels ? { labels: spec.labels } : {}), description: 'fuzz target' } }),
      201,
    );
    for (let v = 1; v <= 2; v++) {
      const multipart: Record<string, ReturnType<typeof onnxPart> | string> = { file: onnxPart(fixture(spec.file)) };
      if (spec.metadata) multipart.metadata = JSON.stringify(spec.metadata);
      if (spec.reference && v === 1) multipart.reference = referencePart(REFERENCE_CSV);
      await ok(request.post(`/api/v1/models/${name}/versions`, { multipart }), 201);
    }
    await ok(request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } }), 200);
    await ok(request.put(`/api/v1/models/${name}/aliases/staging`, { data: { version: 2 } }), 200);
    models.push({ name, ...spec });
  }
  return models;
}

export async function buildWorld(request: APIRequestContext): Promise<World> {
  const fixtures = Object.fromEntries(FILES.map((f) => [f, fixture(f)]));
  const models = await buildModels(request);
  const predictionIds: string[] = [];
  const clientIds: string[] = [];
  for (const model of models) {
    const { name, ...spec } = model;
    for (const body of spec.predictBodies) {
      const answer = (await ok(request.post(`/api/v1/models/${name}/predict`, { data: body }), 200)) as { prediction_ids: string[] };
      predictionIds.push(...answer.prediction_ids);
      const ids = (body as { ids?: string[] }).ids;
      if (ids) clientIds.push(...ids);
    }
    await ok(
      request.post('/api/v1/outcomes', { data: { outcomes: predictionIds.slice(-2).map((id) => ({ prediction_id: id, actual: spec.actuals[0] })) } }),
      200,
    );
  }
  const victims: string[] = [];
  for (let i = 0; i < 3; i++) {
    const name = uniqueName('fz-victim');
    await ok(request.post('/api/v1/models', { data: { name, task: 'regression' } }), 201);
    victims.push(name);
  }
  // The demo is built once here: building it blocks the server for seconds (30 days of traffic),
  // which would stall every request in flight; the fuzzer then hits its idempotent path.
  expect([200, 201]).toContain((await request.post('/api/v1/demo')).status());
  const sentinel = uniqueName('fz-sentinel');
  await ok(request.post('/api/v1/models', { data: { name: sentinel, task: 'regression' } }), 201);
  await ok(request.post(`/api/v1/models/${sentinel}/versions`, { multipart: { file: onnxPart(fixtures['regressor.onnx']) } }), 201);
  await ok(request.put(`/api/v1/models/${sentinel}/aliases/production`, { data: { version: 1 } }), 200);
  // Pages need a signed-in browser: sign in as the admin and send its cookie with page requests.
  let cookie: string | null = null;
  if (process.env.E2E_ADMIN_PASSWORD) {
    const login = await request.post('/api/v1/session', {
      data: { username: process.env.E2E_ADMIN_USER ?? 'admin', password: process.env.E2E_ADMIN_PASSWORD },
    });
    expect(login.status(), await login.text()).toBe(204);
    cookie = (login.headers()['set-cookie'] ?? '').split(';')[0] || null;
  }
  const keyIds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await request.post('/api/v1/keys', { data: { name: uniqueName('fz-key'), scopes: ['read'] } });
    if (res.status() === 201) keyIds.push(((await res.json()) as { api_key: { id: number } }).api_key.id);
  }
  return { models, victims, sentinel, predictionIds, clientIds, fixtures, cookie, keyIds };
}
