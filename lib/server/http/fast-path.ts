// The lean fast path of the app's own server: prediction routes, the Open Inference Protocol and
// /metrics are answered here on node:http, without Next.js's per-request cost (measured ~10× slower
// for a prediction). Everything else is handed to Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemBody, toAppError } from '../../api/problem';
import { checkContentEncoding, checkJsonContentType, parseJsonText, tooLarge } from '../../api/json-body';
import { AppError } from '../../errors';
import { env } from '../../env';
import { ALIAS_NAME_RE, MODEL_NAME_RE } from '../../schemas/names';
import { authenticate, checkRateLimit, fromNodeHeaders } from '../auth';
import { metrics, observePrediction } from '../metrics';
import { predict } from '../predictions/predict';
import { resolveRoute, type Target } from '../predictions/resolve';
import { v2Infer, v2ModelMetadata, v2ModelReady, v2ServerReady, v2Target } from '../predictions/v2-service';

type Route =
  | { kind: 'predict'; model: string; alias: string | null; version: number | null }
  | { kind: 'v2-infer' | 'v2-model' | 'v2-ready'; model: string; version: number | null }
  | { kind: 'v2-live' | 'v2-server-ready' | 'v2-server' | 'metrics' };

const PREDICT = /^\/api\/v1\/models\/([^/]+)(?:\/aliases\/([^/]+)|\/versions\/([^/]+))?\/predict$/;
const V2_MODEL = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;

function segment(raw: string, what: 'name' | 'alias' | 'version'): string {
  let v: string;
  try { v = decodeURIComponent(raw); } catch { throw new AppError('invalid_input', `${what}: is not valid URL encoding`, [{ path: what, message: 'invalid encoding' }]); }
  const ok = what === 'name' ? MODEL_NAME_RE.test(v) : what === 'alias' ? ALIAS_NAME_RE.test(v) : /^[1-9]\d{0,9}$/.test(v);
  if (!ok) throw new AppError(what === 'name' ? 'not_found' : 'invalid_input', `${what}: "${v.slice(0, 80)}" is not a valid ${what === 'name' ? 'model name' : what}`, [{ path: what, message: 'invalid' }]);
  return v;
}

function match(method: string, path: string): { route: Route; method: 'GET' | 'POST' } | null {
  let m = PREDICT.exec(path);
  if (m) return { method: 'POST', route: { kind: 'predict', model: m[1], alias: m[2] ?? null, version: m[3] ? Number(segment(m[3], 'version')) : null } };
  if (path === '/metrics') return { method: 'GET', route: { kind: 'metrics' } };
  if (path === '/v2') return { method: 'GET', route: { kind: 'v2-server' } };
  if (path === '/v2/health/live') return { method: 'GET', route: { kind: 'v2-live' } };
  if (path === '/v2/health/ready') return { method: 'GET', route: { kind: 'v2-server-ready' } };
  m = V2_MODEL.exec(path);
  if (m) {
    const kind = m[3] === '/infer' ? 'v2-infer' : m[3] === '/ready' ? 'v2-ready' : 'v2-model';
    return { method: kind === 'v2-infer' ? 'POST' : 'GET', route: { kind, model: m[1], version: m[2] ? Number(segment(m[2], 'version')) : null } };
  }
  void method;
  return null;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json', headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  checkJsonContentType(req.headers['content-type']);
  checkContentEncoding(req.headers['content-encoding']);
  const limit = env.MAX_BODY_MB * 1024 * 1024;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.reject(tooLarge(env.MAX_BODY_MB));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) { failed = true; chunks.length = 0; reject(tooLarge(env.MAX_BODY_MB)); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      try { resolve(parseJsonText(Buffer.concat(chunks).toString('utf8'))); } catch (err) { reject(err); }
    });
    req.on('error', () => { if (!failed) { failed = true; reject(new AppError('invalid_input', 'body: the request was interrupted')); } });
  });
}

/** What a failed prediction's metric series is labelled with: model 'unknown' until it is resolved; version '' (failures name no version). */
interface Labels { model: string; version: string }

async function handle(route: Route, req: IncomingMessage, res: ServerResponse, labels: Labels): Promise<void> {
  switch (route.kind) {
    case 'metrics': {
      authenticate(fromNodeHeaders(req.method, req.headers), 'read');
      const registry = metrics().registry;
      return send(res, 200, await registry.metrics(), registry.contentType);
    }
    case 'v2-live':
      return send(res, 200, { live: true });
    case 'v2-server-ready': {
      const ready = await v2ServerReady();
      return send(res, ready ? 200 : 503, { ready });
    }
    case 'v2-server':
      return send(res, 200, { name: 'modeldock', version: process.env.npm_package_version ?? '0.1.0', extensions: [] });
    case 'v2-model': {
      authenticate(fromNodeHeaders(req.method, req.headers), 'read');
      return send(res, 200, v2ModelMetadata(segment(route.model, 'name'), route.version));
    }
    case 'v2-ready': {
      authenticate(fromNodeHeaders(req.method, req.headers), 'read');
      const r = v2ModelReady(segment(route.model, 'name'), route.version);
      return send(res, r.ready ? 200 : 503, r);
    }
    case 'v2-infer':
    case 'predict': {
      checkRateLimit(authenticate(fromNodeHeaders(req.method, req.headers), 'predict'));
      const started = performance.now();
      const name = segment(route.model, 'name');
      const alias = route.kind === 'predict' ? route.alias : null;
      const target: Target = route.kind === 'v2-infer'
        ? v2Target(name, route.version)
        : route.version !== null ? { model: name, version: route.version } : { model: name, alias: alias === null ? 'production' : segment(alias, 'alias') };
      // Metric labels name a model only once the caller is authenticated and the model resolved
      // (before: any made-up name in the URL became a series); the body is read after that.
      labels.model = resolveRoute(target).plan.modelName;
      const body = await readBody(req);
      if (route.kind === 'v2-infer') {
        const answer = await v2Infer(name, route.version, body, req.headers['x-client-id']);
        observePrediction({ route: 'v2', model: name, version: answer.model_version, status: 200, seconds: (performance.now() - started) / 1000, rows: answer.outputs[0]?.shape[0] ?? 0 });
        return send(res, 200, answer);
      }
      const answer = await predict(target, body, req.headers['x-client-id']);
      observePrediction({ route: 'rest', model: name, version: String(answer.model.version), status: 200, seconds: (performance.now() - started) / 1000, rows: answer.predictions.length });
      return send(res, 200, answer);
    }
  }
}

/** Answers the request if it is one of the fast-path routes; returns false to hand it to Next. */
export function handleFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith('/api/v1/models/') && !path.startsWith('/v2') && path !== '/metrics') return false;
  const isV2 = path.startsWith('/v2');
  let matched: ReturnType<typeof match>;
  try {
    matched = match(req.method ?? 'GET', path);
  } catch (err) {
    fail(err, isV2, res, req);
    return true;
  }
  if (!matched) {
    if (!isV2) return false;
    send(res, 404, { error: `no route ${req.method} ${path}` });
    return true;
  }
  if (req.method !== matched.method) {
    req.resume();
    res.setHeader('allow', matched.method);
    if (isV2) send(res, 405, { error: `method ${req.method} not allowed; use ${matched.method}` });
    else send(res, 405, problemBody(new AppError('method_not_allowed', `method: ${req.method} is not allowed; use ${matched.method}`)), 'application/problem+json');
    return true;
  }
  const labels: Labels = { model: 'unknown', version: '' };
  handle(matched.route, req, res, labels).catch((err: unknown) => fail(err, isV2, res, req, matched.route, labels));
  return true;
}

function fail(err: unknown, isV2: boolean, res: ServerResponse, req: IncomingMessage, route?: Route, labels?: Labels): void {
  const app = toAppError(err);
  if (!req.complete) req.resume();
  if (route && labels && (route.kind === 'predict' || route.kind === 'v2-infer')) {
    observePrediction({ route: isV2 ? 'v2' : 'rest', model: labels.model, version: labels.version, status: app.status, seconds: 0, rows: 0 });
  }
  if (res.headersSent) { res.destroy(); return; }
  if (isV2) send(res, app.status, { error: app.message }, 'application/json', app.headers);
  else send(res, app.status, problemBody(app), 'application/problem+json', app.headers);
}
