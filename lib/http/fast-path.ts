// The lean fast path of the app's own server: prediction routes, the Open Inference Protocol and
// /metrics are answered here on node:http, without Next.js's per-request cost (measured ~10× slower
// for a prediction). The routes are the table in fast-routes.ts; everything else is handed to Next.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors';
import { runtime } from '../runtime/runtime';
import { authenticate } from '../server/access/auth';
import { fromNodeHeaders } from './credentials';
import { FAST_ROUTES, segment, send, type FastParams, type FastRoute, type Labels } from './fast-routes';
import { problemBody, toAppError } from './problem';

interface Compiled {
  route: FastRoute;
  re: RegExp;
  names: string[];
}

/** Each pattern as a regular expression with one group per {parameter}. */
const COMPILED: Compiled[] = FAST_ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, re: new RegExp(`^${source}$`), names };
});

/** The route a path names and its parameters ({n} checked here: a malformed version is a 400), or null. */
function match(path: string): { route: FastRoute; params: FastParams } | null {
  for (const c of COMPILED) {
    const m = c.re.exec(path);
    if (!m) continue;
    const params: FastParams = { name: '', alias: null, version: null };
    c.names.forEach((name, i) => {
      if (name === 'name') params.name = m[i + 1];
      else if (name === 'alias') params.alias = m[i + 1];
      else params.version = Number(segment(m[i + 1], 'version'));
    });
    return { route: c.route, params };
  }
  return null;
}

const metered = (route: FastRoute) => route.kind === 'predict' || route.kind === 'v2-infer';
/** What counts as a refusal by validation: the request did not fit the model. */
const REFUSED = new Set(['invalid_input', 'unprocessable', 'payload_too_large']);

/** Answers the request if it is one of the fast-path routes; returns false to hand it to Next. */
export function handleFastPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith('/api/v1/models/') && !path.startsWith('/v2') && path !== '/metrics') return false;
  const isV2 = path.startsWith('/v2');
  let matched: ReturnType<typeof match>;
  try {
    matched = match(path);
  } catch (err) {
    fail(err, isV2, res, req);
    return true;
  }
  if (!matched) {
    if (!isV2) return false;
    send(res, 404, { error: `no route ${req.method} ${path}` });
    return true;
  }
  const { route, params } = matched;
  if (req.method !== route.method) {
    req.resume();
    res.setHeader('allow', route.method);
    if (isV2) send(res, 405, { error: `method ${req.method} not allowed; use ${route.method}` });
    else
      send(res, 405, problemBody(new AppError('method_not_allowed', `method: ${req.method} is not allowed; use ${route.method}`)), 'application/problem+json');
    return true;
  }
  const labels: Labels = { model: 'unknown', version: '' };
  let answering: Promise<void>;
  try {
    const actor = route.scope === 'public' ? null : authenticate(fromNodeHeaders(req.method, req.headers), route.scope);
    // A cached key (every key on SQLite) answers at once; a PostgreSQL look-up or a session is awaited.
    answering =
      actor instanceof Promise ? actor.then((a) => route.handler({ req, res, params, actor: a, labels })) : route.handler({ req, res, params, actor, labels });
  } catch (err) {
    answering = Promise.reject(err);
  }
  answering.catch((err: unknown) => fail(err, isV2, res, req, route, labels));
  return true;
}

function fail(err: unknown, isV2: boolean, res: ServerResponse, req: IncomingMessage, route?: FastRoute, labels?: Labels): void {
  const app = toAppError(err);
  if (!req.complete) req.resume();
  if (route && labels && metered(route)) {
    runtime().metrics.observePrediction({ route: isV2 ? 'v2' : 'rest', model: labels.model, version: labels.version, status: app.status, seconds: 0, rows: 0 });
    // Refused by validation, for the data-quality counts: only once the model is resolved (a made-up name never counts).
    if (labels.model !== 'unknown' && REFUSED.has(app.code)) runtime().refusals.add(labels.model, app.message, app.errors[0]?.path ?? 'body');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (isV2) send(res, app.status, { error: app.message }, 'application/json', app.headers);
  else send(res, app.status, problemBody(app), 'application/problem+json', app.headers);
}
