// The fast path's route table: every route the server answers on node:http before Next.js sees the
// request, as data — method, pattern, the scope its credentials need, its handler, and what the
// OpenAPI document says of it (lib/http/openapi.ts reads this table; fast-path.ts matches it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors';
import { runtime } from '../runtime/runtime';
import { ALIAS_NAME_RE, MAX_ID, MODEL_NAME_RE } from '../schemas/names';
import { checkRateLimit, type Actor, type Scope } from '../server/access/auth';
import { predict } from '../server/serving/predict';
import { predictResponseJson } from '../server/serving/predict-json';
import { resolveRoute, type Target } from '../server/serving/resolve';
import { v2Infer, v2ModelMetadata, v2ModelReady, v2ServerReady, v2Target } from '../server/serving/v2-service';
import { parseJsonText, readNodeBody, readNodeJson } from './json-body';

/** What kind of route a row is (a kind may serve several patterns; the fuzz suite covers every kind). */
export type RouteKind = 'predict' | 'v2-infer' | 'v2-model' | 'v2-ready' | 'v2-live' | 'v2-server-ready' | 'v2-server' | 'metrics';

/** The path's parameters: {name} and {alias} as sent (checked by the handler, after authentication), {n} checked when matched. */
export interface FastParams {
  name: string;
  alias: string | null;
  version: number | null;
}

/** What a failed prediction's metric series is labelled with: model 'unknown' until it is resolved; version '' (failures name no version). */
export interface Labels {
  model: string;
  version: string;
}

export interface FastContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: FastParams;
  actor: Actor | null;
  labels: Labels;
}

export interface FastRoute {
  method: 'GET' | 'POST';
  /** The path as OpenAPI writes it: {name} a model name, {alias} an alias, {n} a version number. */
  pattern: string;
  /** What the credentials must allow; 'public' needs none. */
  scope: Scope | 'public';
  kind: RouteKind;
  handler: (ctx: FastContext) => Promise<void>;
  doc: { summary: string; ok: number; answer: string; body?: Record<string, unknown> };
}

/**
 * Answers with a JSON (or other text) body, written as a string: node:http then joins the head and
 * the body into one chunk, where a Buffer body was queued as a second chunk of a writev (and copied
 * into a Buffer first).
 */
export function send(res: ServerResponse, status: number, body: unknown, type = 'application/json', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A path segment decoded and checked: an unknown model name is a 404, a malformed alias or version a 400. */
export function segment(raw: string, what: 'name' | 'alias' | 'version'): string {
  let v: string;
  try {
    v = decodeURIComponent(raw);
  } catch {
    throw new AppError('invalid_input', `${what}: is not valid URL encoding`, [{ path: what, message: 'invalid encoding' }]);
  }
  const ok = what === 'name' ? MODEL_NAME_RE.test(v) : what === 'alias' ? ALIAS_NAME_RE.test(v) : /^[1-9]\d{0,9}$/.test(v) && Number(v) <= MAX_ID;
  if (!ok)
    throw new AppError(
      what === 'name' ? 'not_found' : 'invalid_input',
      `${what}: "${v.slice(0, 80)}" is not a valid ${what === 'name' ? 'model name' : what}`,
      [{ path: what, message: 'invalid' }],
    );
  return v;
}

/** MLflow scoring formats, parsed by inference/codecs (each row is one prediction). */
const predictBody = {
  type: 'object',
  description:
    "One of dataframe_split, dataframe_records, instances, inputs; optional ids (the client's key per row, each used once per request: " +
    'a repeated id is refused with 400 naming ids[i], its second occurrence). Named columns (objects in dataframe_records or instances, ' +
    "dataframe_split.columns) map by name to the version's feature_names, or to the model's own input names; otherwise they are refused " +
    'with 400 — never taken in the order sent. Rows as arrays, and dataframe_split without columns, are positional: the client states the order.',
  properties: {
    dataframe_split: {
      type: 'object',
      properties: { columns: { type: 'array', items: { type: 'string' } }, data: { type: 'array', items: { type: 'array' } } },
    },
    dataframe_records: { type: 'array', items: { type: 'object' } },
    instances: { type: 'array' },
    inputs: { oneOf: [{ type: 'object' }, { type: 'array' }] },
    ids: { type: 'array', items: { type: 'string' } },
    dry_run: { type: 'boolean', description: 'Answer without logging: no prediction_ids, nothing in monitoring (the copy-paste examples send it)' },
  },
};

const v2InferBody = {
  type: 'object',
  description: "inputs are matched to the model's inputs by name, in any order; outputs (by name) are answered in the order asked.",
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    inputs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string' }, data: { type: 'array' } },
      },
    },
    outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    parameters: { type: 'object', properties: { dry_run: { type: 'boolean', description: 'Answer without logging (no prediction_ids)' } } },
  },
};

/** POST …/predict: the production alias, an alias or a version (MLflow formats). */
async function predictRoute({ req, res, params, actor, labels }: FastContext): Promise<void> {
  const limiting = checkRateLimit(actor!);
  if (limiting) await limiting;
  const started = performance.now();
  const name = segment(params.name, 'name');
  const target: Target =
    params.version !== null
      ? { model: name, version: params.version }
      : { model: name, alias: params.alias === null ? 'production' : segment(params.alias, 'alias') };
  // Metric labels name a model only once the caller is authenticated and the model resolved
  // (before: any made-up name in the URL became a series); the body is read after that.
  // A cached route (every route on SQLite) is used at once: the predict path awaits only what it must.
  const route = resolveRoute(target);
  labels.model = (route instanceof Promise ? await route : route).plan.modelName;
  const raw = await readNodeBody(req);
  const answer = await predict(target, { raw, json: () => parseJsonText(raw.toString('utf8')) }, req.headers['x-client-id']);
  runtime().metrics.observePrediction({
    route: 'rest',
    model: name,
    version: String(answer.model.version),
    status: 200,
    seconds: (performance.now() - started) / 1000,
    rows: answer.predictions.length,
  });
  send(res, 200, predictResponseJson(answer));
}

/** POST /v2/models/{name}[/versions/{n}]/infer. */
async function v2InferRoute({ req, res, params, actor, labels }: FastContext): Promise<void> {
  const limiting = checkRateLimit(actor!);
  if (limiting) await limiting;
  const started = performance.now();
  const name = segment(params.name, 'name');
  const route = resolveRoute(v2Target(name, params.version));
  labels.model = (route instanceof Promise ? await route : route).plan.modelName;
  const answer = await v2Infer(name, params.version, await readNodeJson(req), req.headers['x-client-id']);
  runtime().metrics.observePrediction({
    route: 'v2',
    model: name,
    version: answer.model_version,
    status: 200,
    seconds: (performance.now() - started) / 1000,
    rows: answer.outputs[0]?.shape[0] ?? 0,
  });
  send(res, 200, answer);
}

async function v2ModelRoute({ res, params }: FastContext): Promise<void> {
  send(res, 200, await v2ModelMetadata(segment(params.name, 'name'), params.version));
}

async function v2ReadyRoute({ res, params }: FastContext): Promise<void> {
  const r = await v2ModelReady(segment(params.name, 'name'), params.version);
  send(res, r.ready ? 200 : 503, r);
}

async function metricsRoute({ res }: FastContext): Promise<void> {
  const { registry } = runtime().metrics;
  send(res, 200, await registry.metrics(), registry.contentType);
}

const PREDICT_ANSWER = '{predictions, probabilities?, prediction_ids, model}';
const V2_METADATA = '{name, versions, platform, inputs, outputs}';
const V2_INFER = '{model_name, model_version, id, outputs}';

// Most traffic first: a prediction is matched by the first patterns tried.
export const FAST_ROUTES: FastRoute[] = [
  {
    method: 'POST',
    pattern: '/api/v1/models/{name}/predict',
    scope: 'predict',
    kind: 'predict',
    handler: predictRoute,
    doc: { summary: 'Predict with the production alias (MLflow formats)', ok: 200, answer: PREDICT_ANSWER, body: predictBody },
  },
  {
    method: 'POST',
    pattern: '/api/v1/models/{name}/aliases/{alias}/predict',
    scope: 'predict',
    kind: 'predict',
    handler: predictRoute,
    doc: { summary: 'Predict with an alias', ok: 200, answer: PREDICT_ANSWER, body: predictBody },
  },
  {
    method: 'POST',
    pattern: '/api/v1/models/{name}/versions/{n}/predict',
    scope: 'predict',
    kind: 'predict',
    handler: predictRoute,
    doc: { summary: 'Predict with a version', ok: 200, answer: PREDICT_ANSWER, body: predictBody },
  },
  {
    method: 'POST',
    pattern: '/v2/models/{name}/infer',
    scope: 'predict',
    kind: 'v2-infer',
    handler: v2InferRoute,
    doc: { summary: 'V2 inference (production)', ok: 200, answer: V2_INFER, body: v2InferBody },
  },
  {
    method: 'POST',
    pattern: '/v2/models/{name}/versions/{n}/infer',
    scope: 'predict',
    kind: 'v2-infer',
    handler: v2InferRoute,
    doc: { summary: 'V2 inference (a version)', ok: 200, answer: V2_INFER, body: v2InferBody },
  },
  {
    method: 'GET',
    pattern: '/metrics',
    scope: 'read',
    kind: 'metrics',
    handler: metricsRoute,
    doc: { summary: 'Prometheus metrics', ok: 200, answer: 'text/plain; version=0.0.4' },
  },
  {
    method: 'GET',
    pattern: '/v2',
    scope: 'public',
    kind: 'v2-server',
    doc: { summary: 'V2 server metadata', ok: 200, answer: '{name, version, extensions}' },
    handler: async ({ res }) => send(res, 200, { name: 'modeldock', version: process.env.npm_package_version ?? '0.1.0', extensions: [] }),
  },
  {
    method: 'GET',
    pattern: '/v2/health/live',
    scope: 'public',
    kind: 'v2-live',
    handler: async ({ res }) => send(res, 200, { live: true }),
    doc: { summary: 'V2 liveness', ok: 200, answer: '{live}' },
  },
  {
    method: 'GET',
    pattern: '/v2/health/ready',
    scope: 'public',
    kind: 'v2-server-ready',
    doc: { summary: 'V2 readiness', ok: 200, answer: '{ready}' },
    handler: async ({ res }) => {
      const ready = await v2ServerReady();
      send(res, ready ? 200 : 503, { ready });
    },
  },
  {
    method: 'GET',
    pattern: '/v2/models/{name}',
    scope: 'read',
    kind: 'v2-model',
    handler: v2ModelRoute,
    doc: { summary: 'V2 model metadata (production)', ok: 200, answer: V2_METADATA },
  },
  {
    method: 'GET',
    pattern: '/v2/models/{name}/ready',
    scope: 'read',
    kind: 'v2-ready',
    handler: v2ReadyRoute,
    doc: { summary: 'V2 model readiness (production)', ok: 200, answer: '{name, ready}' },
  },
  {
    method: 'GET',
    pattern: '/v2/models/{name}/versions/{n}',
    scope: 'read',
    kind: 'v2-model',
    handler: v2ModelRoute,
    doc: { summary: 'V2 model metadata (a version)', ok: 200, answer: V2_METADATA },
  },
  {
    method: 'GET',
    pattern: '/v2/models/{name}/versions/{n}/ready',
    scope: 'read',
    kind: 'v2-ready',
    handler: v2ReadyRoute,
    doc: { summary: 'V2 model readiness (a version)', ok: 200, answer: '{name, ready}' },
  },
];
