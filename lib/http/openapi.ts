// GET /api/v1/openapi.json: the OpenAPI 3.1 document of the HTTP API. Request bodies and query
// parameters come from the same zod schemas the routes validate with, and the fast path's routes
// from its own route table (fast-routes.ts), so the document cannot drift from what is enforced;
// the route-table test checks every route file is described here.
import { z } from 'zod';
import type { Scope as KeyScope } from '../schemas/access';
import { createKeySchema, loginSchema, setupSchema } from '../schemas/access';
import { compareQuerySchema, shadowBodySchema, splitSchema } from '../schemas/experiments';
import { driftDetailQuerySchema, monitoringQuerySchema, policyUpdateSchema } from '../schemas/monitoring';
import { importBodySchema, outcomesBodySchema } from '../schemas/outcomes';
import { browseQuerySchema, erasureQuerySchema, exportQuerySchema } from '../schemas/predictions';
import {
  createModelSchema,
  modelDetailQuerySchema,
  pageQuerySchema,
  predictionLookupSchema,
  rollbackBodySchema,
  setAliasSchema,
  updateModelSchema,
  updateVersionSchema,
} from '../schemas/registry';
import { createWebhookSchema, deliveriesQuerySchema } from '../schemas/webhooks';
import { FAST_ROUTES } from './fast-routes';

type Scope = KeyScope | 'public';
interface Op {
  summary: string;
  scope: Scope;
  query?: z.ZodObject;
  body?: z.ZodType | Record<string, unknown>;
  multipart?: boolean;
  ok: number;
  answer: string;
  binary?: boolean;
}

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const aliasBody = {
  oneOf: [
    schema(setAliasSchema),
    { type: 'object', required: ['versions'], properties: { versions: schema(splitSchema), force: { type: 'boolean' } }, additionalProperties: false },
  ],
};

const M = '/api/v1/models/{name}';
const OPS: Record<string, Record<string, Op>> = {
  '/api/health': { get: { summary: 'Liveness and database health (503 when the database is unusable)', scope: 'public', ok: 200, answer: '{status: "ok"}' } },
  '/api/v1/openapi.json': { get: { summary: 'This document', scope: 'public', ok: 200, answer: 'OpenAPI 3.1' } },
  '/api/v1/models': {
    get: {
      summary: 'List models with aliases, latest version and retraining flag',
      scope: 'read',
      query: pageQuerySchema,
      ok: 200,
      answer: '{models, next_cursor}',
    },
    post: { summary: 'Create a model', scope: 'admin', body: createModelSchema, ok: 201, answer: '{model}; 409 when the name exists' },
  },
  [M]: {
    get: {
      summary: 'A model with its versions and aliases',
      scope: 'read',
      query: modelDetailQuerySchema,
      ok: 200,
      answer: '{model, versions, aliases, splits, shadows}',
    },
    patch: { summary: 'Edit description or labels', scope: 'admin', body: updateModelSchema, ok: 200, answer: '{model}' },
    delete: { summary: 'Delete a model (409 while an alias points at one of its versions)', scope: 'admin', ok: 204, answer: 'empty' },
  },
  [`${M}/versions`]: {
    get: { summary: 'Versions of a model', scope: 'read', query: modelDetailQuerySchema, ok: 200, answer: '{versions}' },
    post: {
      summary: 'Upload an ONNX version (multipart: file, metadata JSON, reference sample)',
      scope: 'admin',
      multipart: true,
      ok: 201,
      answer: '{version}; 400/413/415/422 for a bad file, nothing stored',
    },
  },
  [`${M}/versions/{n}`]: {
    get: { summary: 'One version: signature, metrics, lineage', scope: 'read', ok: 200, answer: '{version}' },
    patch: {
      summary:
        'Edit, archive or restore a version; set or clear its feature_names (the column names of its one [N, F] input, as many as its width, unique; ' +
        'used for named rows from the next request on; an audited event with the actor; 422 naming feature_names when they do not fit)',
      scope: 'admin',
      body: updateVersionSchema,
      ok: 200,
      answer: '{version}',
    },
  },
  [`${M}/versions/{n}/artifact`]: { get: { summary: 'The .onnx bytes', scope: 'read', ok: 200, answer: 'application/octet-stream', binary: true } },
  [`${M}/versions/{n}/predictions/import`]: {
    post: {
      summary:
        'Import predictions made elsewhere, or backtest (score now, log at ts); inputs as objects follow the named-column rule of predict; ' +
        'an id may recur at different ts (a history for outcome joins), not twice at the same ts (400 naming records[i].id)',
      scope: 'admin',
      body: importBodySchema,
      ok: 200,
      answer: '{imported, prediction_ids}',
    },
  },
  [`${M}/aliases/{alias}`]: {
    put: {
      summary:
        'Move an alias to a version ({version}), or split it by weight ({versions: [{version, weight}]}). Moving production onto versions whose inputs ' +
        '(names, dtypes, ranks, fixed dims), feature names or classes differ from the current one is refused with 409 naming each difference, unless force: true; ' +
        'an optional reason (≤ 500 characters) is kept in the timeline',
      scope: 'admin',
      body: aliasBody,
      ok: 200,
      answer: '{alias, version (the champion), previous, split: [{version, weight}] | null}',
    },
    delete: { summary: 'Remove an alias', scope: 'admin', ok: 204, answer: 'empty' },
  },
  [`${M}/aliases/{alias}/rollback`]: {
    post: {
      summary:
        'Move the alias back to the version it had before (ends a split: back to the version before it); an optional body {reason} is kept in the timeline',
      scope: 'admin',
      body: rollbackBodySchema.unwrap(),
      ok: 200,
      answer: '{alias, version, previous, split: null}',
    },
  },
  [`${M}/events`]: {
    get: {
      summary: "The model's timeline, newest first",
      scope: 'read',
      query: pageQuerySchema,
      ok: 200,
      answer: '{events: [{ts, kind, actor, detail}], next_cursor}',
    },
  },
  [`${M}/monitoring`]: {
    get: {
      summary:
        "Metrics, drift, latency per window, and the retraining verdict as of `to` (computed on the policy's own windows, whatever the range and bucket asked)",
      scope: 'read',
      query: monitoringQuerySchema,
      ok: 200,
      answer: '{series, baseline, status, versions, first_prediction}',
    },
  },
  [`${M}/monitoring/drift`]: {
    get: {
      summary: 'One feature in one window against its reference, bin by bin (deciles or categories), with its drift test and PSI',
      scope: 'read',
      query: driftDetailQuerySchema,
      ok: 200,
      answer: '{feature, kind, window, bins: [{label, reference, current}], reference_n, current_n, missing, drift}',
    },
  },
  [`${M}/verdict`]: {
    get: {
      summary: "The model's retraining verdict (its production version, on the policy's windows), brought up to date; null without production",
      scope: 'read',
      ok: 200,
      answer: '{verdict}',
    },
  },
  [`${M}/policy`]: {
    get: { summary: 'The retraining policy', scope: 'read', ok: 200, answer: '{policy, defaults, custom}' },
    put: {
      summary: "Edit the retraining policy (metric: any metric the windows compute; bucket and lookback: the verdict's own windows)",
      scope: 'admin',
      body: policyUpdateSchema,
      ok: 200,
      answer: '{policy, defaults, custom}',
    },
    delete: { summary: 'Reset the retraining policy to the defaults', scope: 'admin', ok: 200, answer: '{policy, defaults, custom: false}' },
  },
  [`${M}/shadow`]: {
    get: {
      summary: "Versions receiving a copy of production traffic, with this process's queue counters",
      scope: 'read',
      ok: 200,
      answer: '{versions, queued, dropped, pending, logged, failed, last_error}',
    },
    put: {
      summary: "Replace the shadow versions ([] ends); 422 naming versions[i] when one cannot take production's inputs",
      scope: 'admin',
      body: shadowBodySchema,
      ok: 200,
      answer: '{versions, queued, dropped, pending, logged, failed, last_error}',
    },
    delete: { summary: 'End all shadowing', scope: 'admin', ok: 204, answer: 'empty' },
  },
  [`${M}/compare`]: {
    get: {
      summary: 'Champion vs challenger on the same labeled traffic',
      scope: 'read',
      query: compareQuerySchema,
      ok: 200,
      answer: '{metric, design, a, b, difference, test, agreement, series}',
    },
  },
  [`${M}/predictions`]: {
    get: {
      summary:
        'The prediction browser: logged predictions newest first (ts, then id), filtered by version or alias, from/to and labeled; ' +
        'inputs by column name; cursor pagination (next_cursor), limit 1–200 (400 beyond)',
      scope: 'read',
      query: browseQuerySchema,
      ok: 200,
      answer: '{predictions: [{id, ts, version, inputs, prediction, probabilities?, outcome?, client_id?, source, alias?}], next_cursor}',
    },
    delete: {
      summary:
        'Erase every logged row of a client id (GDPR): its inputs, outputs, probabilities and id, its shadow copies, keys and outcomes; ' +
        'the rows answer 404 after; recorded in the event log (predictions_erased); the monitoring rollups are kept',
      scope: 'admin',
      query: erasureQuerySchema,
      ok: 200,
      answer: '{erased}',
    },
  },
  [`${M}/predictions/export`]: {
    get: {
      summary:
        'Every logged prediction in range, oldest first, streamed as CSV or Parquet: id, ts, version, one column per input feature, ' +
        'prediction, probability_<class> per class, actual. A signed link (expires, sig: the export_url of a model.needs_retraining ' +
        'delivery) opens exactly its version, range and format without credentials; altered or expired: 403',
      scope: 'read',
      query: exportQuerySchema,
      ok: 200,
      answer: 'text/csv or application/vnd.apache.parquet (attachment)',
      binary: true,
    },
  },
  '/api/v1/predictions': {
    get: { summary: "Find a logged prediction by the client's id", scope: 'read', query: predictionLookupSchema, ok: 200, answer: '{prediction}' },
  },
  '/api/v1/predictions/{id}': { get: { summary: 'A logged prediction', scope: 'read', ok: 200, answer: '{prediction}' } },
  '/api/v1/outcomes': {
    post: {
      summary:
        'Report actual outcomes (idempotent). By prediction_id, or by model + id: then the outcome labels the latest prediction of that client id ' +
        "for that model at or before the outcome's ts (default: when it is received); none → listed in unknown. Re-sending relabels the same row (updated).",
      scope: 'predict',
      body: outcomesBodySchema,
      ok: 200,
      answer: '{accepted, updated, unknown, invalid}',
    },
  },
  '/api/v1/demo': { post: { summary: 'Create the demo model with 30 days of traffic', scope: 'admin', ok: 201, answer: '{model, created}' } },
  '/api/v1/keys': {
    get: { summary: 'API keys (never the keys themselves)', scope: 'admin', ok: 200, answer: '{api_keys}' },
    post: { summary: 'Create an API key; the answer holds it in clear, once', scope: 'admin', body: createKeySchema, ok: 201, answer: '{key, api_key}' },
  },
  '/api/v1/keys/{id}': { delete: { summary: 'Revoke an API key', scope: 'admin', ok: 200, answer: '{api_key}' } },
  '/api/v1/events': {
    get: {
      summary: 'Events that belong to no model: keys, accounts, deleted models',
      scope: 'admin',
      query: pageQuerySchema,
      ok: 200,
      answer: '{events, next_cursor}',
    },
  },
  '/api/v1/session': {
    get: { summary: 'Who is signed in, and whether setup is pending', scope: 'public', ok: 200, answer: '{user, needs_setup}' },
    post: { summary: 'Sign in: sets the session cookie', scope: 'public', body: loginSchema, ok: 204, answer: 'Set-Cookie' },
    delete: { summary: 'Sign out', scope: 'public', ok: 204, answer: 'cleared cookie' },
  },
  '/api/v1/setup': {
    post: { summary: 'First start only: create the admin account (409 afterwards)', scope: 'public', body: setupSchema, ok: 201, answer: 'Set-Cookie' },
  },
  '/api/v1/webhooks': {
    get: {
      summary: 'Webhooks with their deliveries by status, and the outbox: jobs pending, retrying and failed',
      scope: 'admin',
      ok: 200,
      answer: '{webhooks: [{id, url, events, models, format, description, headers (names only), created_at, created_by, deliveries}], jobs}',
    },
    post: {
      summary:
        'Create a webhook for events (model.needs_retraining, model.recovered, model.watch, model.drift, version.created, alias.moved, *) ' +
        'of models (names or *), as json or slack; the signing secret (given or generated) is answered once, headers are never shown again',
      scope: 'admin',
      body: createWebhookSchema,
      ok: 201,
      answer: '{webhook, secret}',
    },
  },
  '/api/v1/webhooks/{id}': { delete: { summary: 'Delete a webhook and its deliveries', scope: 'admin', ok: 204, answer: 'empty' } },
  '/api/v1/webhooks/{id}/test': { post: { summary: 'Queue a ping to the webhook', scope: 'admin', ok: 202, answer: '{delivery}' } },
  '/api/v1/webhooks/{id}/deliveries': {
    get: {
      summary: "The webhook's latest deliveries, newest first: status delivered | retrying | failed, attempts, response status, last error",
      scope: 'admin',
      query: deliveriesQuerySchema,
      ok: 200,
      answer: '{deliveries: [{id, event, status, attempts, response_status, last_error, created_at, delivered_at, next_attempt_at}]}',
    },
  },
  '/api/v1/storage': {
    get: {
      summary:
        "The engine, its database size (SQLite: file and WAL, free pages, auto-vacuum mode; PostgreSQL: the database and the log's monthly partitions), what the prediction log holds (requests, predictions, outcomes, oldest), " +
        'growth per day over the last 7 days (predictions and estimated bytes), the retention in force (RETENTION_DAYS and per-model ' +
        'overrides) and what the last retention sweep pruned',
      scope: 'admin',
      ok: 200,
      answer: '{database, log, growth, retention}',
    },
  },
  '/api/v1/runtime': {
    get: {
      summary:
        "This process's model cache: loaded sessions (sha256, the versions stored as it and their serving roles, bytes measured at load, " +
        'load_ms, last use, hits, loads, evictions), the budget (MODEL_CACHE_MB), resident bytes, and whether the serving set ' +
        '(production, split and shadow versions) fits; serving versions not loaded now are listed apart',
      scope: 'read',
      ok: 200,
      answer:
        '{model_cache: {budget_bytes, resident_bytes, sessions, loading, loads, evictions, hits, serving_set: {fits, bytes, sessions, unmeasured}}, sessions, serving_not_resident}',
    },
  },
};

const PARAMS: Record<string, Record<string, unknown>> = {
  name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
  alias: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  n: { type: 'integer', minimum: 1 },
  id: { type: 'string' },
};

const problem = { $ref: '#/components/schemas/Problem' };

function operation(path: string, method: string, op: Op): Record<string, unknown> {
  const parameters: unknown[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: PARAMS[m[1]] }));
  if (op.query) {
    const q = schema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(q.properties ?? {}))
      parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: s });
  }
  const body = op.multipart
    ? {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: {
                file: { type: 'string', contentMediaType: 'application/octet-stream' },
                metadata: { type: 'string', description: 'JSON text' },
                reference: { type: 'string', contentMediaType: 'text/csv' },
              },
            },
          },
        },
      }
    : op.body
      ? { required: true, content: { 'application/json': { schema: op.body instanceof z.ZodType ? schema(op.body) : op.body } } }
      : undefined;
  const errors = path.startsWith('/v2')
    ? { description: 'Error', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } } }
    : { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: problem } } };
  return {
    operationId: `${method}${path.replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: op.summary,
    ...(op.scope === 'public' ? { security: [] } : { 'x-scope': op.scope }),
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      [String(op.ok)]: {
        description: op.answer,
        ...(op.ok === 204 ? {} : { content: { [op.binary ? 'application/octet-stream' : 'application/json']: { schema: {} } } }),
      },
      ...(op.scope === 'public' ? {} : { 401: errors, 403: errors }),
      '4XX': errors,
    },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, ops] of Object.entries(OPS)) {
    paths[path] = Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(path, method, op)]));
  }
  for (const r of FAST_ROUTES) {
    const op: Op = { summary: r.doc.summary, scope: r.scope, ok: r.doc.ok, answer: r.doc.answer, body: r.doc.body };
    (paths[r.pattern] ??= {})[r.method.toLowerCase()] = operation(r.pattern, r.method.toLowerCase(), op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Modeldock',
      version: '1',
      description:
        'Model registry, serving (MLflow scoring formats, Open Inference Protocol V2) and monitoring. Scopes: read, predict (predictions and outcomes), admin (everything); x-scope names what each operation needs.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (Settings → API keys, or npm run keys), or MODELDOCK_ADMIN_KEY' },
        session: { type: 'apiKey', in: 'cookie', name: 'modeldock_session', description: 'The signed-in admin (browser)' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'errors'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
    paths,
  };
}
