// Helpers for the serving specs (REST predictions and the Open Inference Protocol): models ready
// to serve, prediction calls, the prediction log read straight from SQLite, and the hand-computed
// answers of the fixture models.
import { expect, type APIRequestContext, type APIResponse } from '@playwright/test';
import { peekValue } from '../db';
import { createModel, fixture, uniqueName, uploadVersion } from '../fixtures';
import { errorPaths, expectProblem, type Problem } from './helpers';

/** A prediction id: the request's ULID (26 characters) and the row's index (3 base32 characters). */
export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{29}$/;

export interface PredictAnswer {
  predictions: (string | number)[];
  probabilities?: Record<string, number>[];
  prediction_ids: string[];
  model: { name: string; version: number; alias: string | null };
}

export interface ServedModelOptions {
  prefix: string;
  task: 'regression' | 'binary_classification' | 'multiclass_classification';
  file: string;
  labels?: string[];
  metadata?: Record<string, unknown>;
  /** Versions to upload (all of `file`); default 1. */
  versions?: number;
  /** Alias `production` → this version; null leaves the model without production. Default 1. */
  production?: number | null;
}

/** Creates a model, uploads its version(s) and promotes one to production; returns the name. */
export async function servedModel(request: APIRequestContext, o: ServedModelOptions): Promise<string> {
  const name = uniqueName(o.prefix);
  await createModel(request, { name, task: o.task, ...(o.labels ? { labels: o.labels } : {}) });
  for (let i = 1; i <= (o.versions ?? 1); i++) {
    const res = await uploadVersion(request, name, fixture(o.file), o.metadata);
    expect(res.status(), await res.text()).toBe(201);
    expect((await res.json()).version.number).toBe(i);
  }
  const production = o.production === undefined ? 1 : o.production;
  if (production !== null) await setAlias(request, name, 'production', production);
  return name;
}

/** Uploads one more version of `file` to an existing model; returns its number. */
export async function addVersion(request: APIRequestContext, name: string, file: string, metadata?: Record<string, unknown>): Promise<number> {
  const res = await uploadVersion(request, name, fixture(file), metadata);
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).version.number;
}

/** `force` promotes past the promotion guard (a production version whose inputs or classes differ). */
export async function setAlias(request: APIRequestContext, name: string, alias: string, version: number, force?: true): Promise<void> {
  const res = await request.put(`/api/v1/models/${name}/aliases/${alias}`, { data: force ? { version, force } : { version } });
  expect(res.status(), await res.text()).toBe(200);
}

export type PredictRoute = { alias: string } | { version: number | string } | undefined;

export function predictPath(name: string, route?: PredictRoute): string {
  if (!route) return `/api/v1/models/${name}/predict`;
  if ('alias' in route) return `/api/v1/models/${name}/aliases/${route.alias}/predict`;
  return `/api/v1/models/${name}/versions/${route.version}/predict`;
}

/** POSTs a prediction; `body` is sent as JSON, or verbatim when it is a string. */
export function postPredict(request: APIRequestContext, name: string, body: unknown, route?: PredictRoute): Promise<APIResponse> {
  return request.post(predictPath(name, route), {
    data: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** POSTs a prediction that must succeed; checks the answer's invariant shape and returns it. */
export async function predictOk(request: APIRequestContext, name: string, body: unknown, route?: PredictRoute): Promise<PredictAnswer> {
  const res = await postPredict(request, name, body, route);
  expect(res.status(), await res.text()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/json');
  const answer = (await res.json()) as PredictAnswer;
  expect(Array.isArray(answer.predictions)).toBe(true);
  expectUlids(answer.prediction_ids, answer.predictions.length);
  expect(answer.model.name).toBe(name);
  if (answer.probabilities !== undefined) expect(answer.probabilities).toHaveLength(answer.predictions.length);
  return answer;
}

/** n distinct ULIDs in strictly increasing order. */
export function expectUlids(ids: string[], n: number): void {
  expect(ids).toHaveLength(n);
  for (const id of ids) expect(id).toMatch(ULID_RE);
  expect(new Set(ids).size).toBe(n);
  expect([...ids].sort()).toEqual(ids);
}

/** A 4xx problem about the request's input whose errors name `path`; returns the problem. */
export async function expectInputProblem(res: APIResponse, path: string, statuses: number[] = [400, 422]): Promise<Problem> {
  const status = res.status();
  expect(statuses, `status ${status}: ${await res.text()}`).toContain(status);
  const problem = await expectProblem(res, status);
  expect(errorPaths(problem)).toContain(path);
  return problem;
}

export function expectCloseArray(actual: number[], expected: number[], digits = 4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v, `index ${i}`).toBeCloseTo(expected[i], digits));
}

// ---- Hand-computed answers of the fixture models ------------------------------------------------

export function softmax(xs: number[]): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** regressor.onnx: y = x · [1, 2, 3] + 0.5 */
export const regress = (x: number[]) => x[0] + 2 * x[1] + 3 * x[2] + 0.5;

/** logits-binary.onnx: softmax([x0 - x1, x1 - x0]). */
export const binaryProbs = (x: number[]) => softmax([x[0] - x[1], x[1] - x[0]]);

/** skl-zipmap.onnx: argmax of the first three features. */
export const zipmapClass = (x: number[]) => [x[0], x[1], x[2]].indexOf(Math.max(x[0], x[1], x[2]));

/** skl-strings-nozipmap.onnx: softmax([-x0, 0, x0]) over bronze, silver, gold. */
export const TIERS = ['bronze', 'silver', 'gold'];
export const tierProbs = (x: number[]) => softmax([-x[0], 0, x[0]]);

/** skl-dataframe.onnx: spend = age + 10·code(plan) + 0.5·visits + 2. */
const PLAN_CODE: Record<string, number> = { basic: 0, plus: 1, pro: 2 };
export const spend = (age: number, plan: string, visits: number) => age + 10 * (PLAN_CODE[plan] ?? -1) + 0.5 * visits + 2;

// ---- The prediction log, read back through GET /api/v1/predictions ----------------------------

export const INPUT_CODEC = { f32: 1, f64: 2, json: 3 } as const;
const CODEC_OF = { float32: INPUT_CODEC.f32, float64: INPUT_CODEC.f64, json: INPUT_CODEC.json } as const;
const SOURCE_OF = { live: 0, imported: 1, shadow: 2 } as const;

interface LoggedPredictionDto {
  id: string;
  model: string;
  version: number;
  alias: string | null;
  ts: string;
  client_id: string | null;
  source: keyof typeof SOURCE_OF;
  inputs: number[] | Record<string, unknown>;
  input_encoding: keyof typeof CODEC_OF;
  prediction: string | number;
  probabilities: Record<string, number> | null;
  latency_ms: number;
}

export interface LoggedPrediction {
  id: string;
  alias: string | null;
  ts: number;
  client_id: string | null;
  input_codec: number;
  inputs: number[] | Record<string, unknown>;
  label: string | null;
  value: number | null;
  probabilities: Record<string, number> | null;
  latency_us: number;
  source: number;
  model_name: string;
  version_number: number;
}

/** The logged predictions with these ids, in the ids' order (unknown ids are left out). */
export async function loggedPredictions(request: APIRequestContext, ids: string[]): Promise<LoggedPrediction[]> {
  if (ids.length === 0) return [];
  const res = await request.get('/api/v1/predictions', { params: { ids: ids.join(',') } });
  expect(res.status()).toBe(200);
  const { predictions } = (await res.json()) as { predictions: LoggedPredictionDto[] };
  return predictions.map((p) => ({
    id: p.id,
    alias: p.alias,
    ts: Date.parse(p.ts),
    client_id: p.client_id,
    input_codec: CODEC_OF[p.input_encoding],
    inputs: p.inputs,
    label: typeof p.prediction === 'string' ? p.prediction : null,
    value: typeof p.prediction === 'number' ? p.prediction : null,
    probabilities: p.probabilities,
    latency_us: Math.round(p.latency_ms * 1000),
    source: SOURCE_OF[p.source],
    model_name: p.model,
    version_number: p.version,
  }));
}

/** How many predictions (rows) are logged for a model, read from the server's database. */
export function loggedCount(modelName: string): number {
  return peekValue<number>('SELECT coalesce(sum(p.rows), 0) AS n FROM prediction_requests p JOIN models m ON m.id = p.model_id WHERE m.name = ?', modelName);
}

/** A logged row's inputs: numbers for the packed codecs, the JSON record otherwise. */
export function decodeLoggedInputs(row: LoggedPrediction): number[] | Record<string, unknown> {
  return row.inputs;
}

/** A logged row's class probabilities, in class order. */
export function decodeLoggedProbabilities(row: LoggedPrediction): number[] | null {
  return row.probabilities ? Object.values(row.probabilities) : null;
}

// ---- Prometheus ---------------------------------------------------------------------------------

/** The value of a metric sample whose labels include `labels` exactly (0 when absent). */
export function metricSample(text: string, metric: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const close = line.lastIndexOf('}');
    const have: Record<string, string> = {};
    for (const m of line.slice(metric.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have[m[1]] = m[2];
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(line.slice(close + 1).trim());
  }
  return 0;
}

export async function scrapeMetrics(request: APIRequestContext): Promise<string> {
  const res = await request.get('/metrics');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('text/plain');
  return res.text();
}
