// Walks the app's route table (every app/api route file and the methods it exports, the fast-path
// routes, every page) and proves nothing answers data or changes state without credentials.
// Open by design: GET /api/health, /v2/health/live, /v2/health/ready and /v2 (liveness and server
// metadata, no data), the OpenAPI document, and the sign-in/setup endpoints (setup refuses once an
// account exists).
import { expect, test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { servedModel } from './serving-helpers';

const ROOT = join(__dirname, '..', '..');
const OPEN = new Set([
  'GET /api/health',
  'GET /api/v1/openapi.json',
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /v2',
  'GET /api/v1/session',
  'POST /api/v1/session',
  'DELETE /api/v1/session',
  'POST /api/v1/setup',
]);
const FAST_PATH = [
  'POST /api/v1/models/[name]/predict',
  'POST /api/v1/models/[name]/aliases/[alias]/predict',
  'POST /api/v1/models/[name]/versions/[n]/predict',
  'GET /metrics',
  'GET /v2',
  'GET /v2/health/live',
  'GET /v2/health/ready',
  'GET /v2/models/[name]',
  'GET /v2/models/[name]/ready',
  'GET /v2/models/[name]/versions/[n]',
  'GET /v2/models/[name]/versions/[n]/ready',
  'POST /v2/models/[name]/infer',
  'POST /v2/models/[name]/versions/[n]/infer',
];

function walk(dir: string, file: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p, file) : e === file ? [p] : [];
  });
}

/** "METHOD /path/[param]" for every exported handler of every app/api route file. */
function apiRoutes(): string[] {
  return walk(join(ROOT, 'app', 'api'), 'route.ts').flatMap((f) => {
    const path =
      '/' +
      relative(join(ROOT, 'app'), f)
        .replace(/\/route\.ts$/, '')
        .split('/')
        .join('/');
    const methods = [...readFileSync(f, 'utf8').matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
    return methods.map((m) => `${m} ${path}`);
  });
}

/** Every page's URL pattern (route groups removed). */
function pages(): string[] {
  return walk(join(ROOT, 'app'), 'page.tsx').map(
    (f) =>
      '/' +
      relative(join(ROOT, 'app'), f)
        .replace(/\/?page\.tsx$/, '')
        .split('/')
        .filter((s) => !/^\(.*\)$/.test(s))
        .join('/'),
  );
}

let model: string;
const fill = (pattern: string) =>
  pattern
    .replace('[name]', model)
    .replace('[alias]', 'production')
    .replace('[n]', '1')
    .replace('[id]', '1')
    .replace('[...path]', 'no/such/route')
    .replace(/\/api\/v1\/predictions\/1$/, '/api/v1/predictions/01KAAAAAAAAAAAAAAAAAAAAAAA000');

async function send(ctx: APIRequestContext, method: string, url: string, headers: Record<string, string> = {}) {
  const body = method === 'GET' || method === 'DELETE' ? undefined : { any: 'thing' };
  return ctx.fetch(url, { method, headers, data: body, maxRedirects: 0 });
}

test.beforeAll(async ({ request }) => {
  model = await servedModel(request, { prefix: 'walk', task: 'regression', file: 'regressor.onnx' });
});

test('the route table is complete: every API route file and fast-path route is walked', () => {
  const routes = apiRoutes();
  expect(routes.length).toBeGreaterThanOrEqual(25);
  for (const r of ['GET /api/v1/models', 'POST /api/v1/keys', 'DELETE /api/v1/keys/[id]', 'PUT /api/v1/models/[name]/aliases/[alias]', 'POST /api/v1/outcomes'])
    expect(routes).toContain(r);
  expect(pages()).toEqual(expect.arrayContaining(['/', '/settings', '/models/new', '/models/[name]', '/login', '/setup']));
});

test('the OpenAPI document describes every route, with the scope it needs', async ({ playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
  const doc = await (await anon.get('/api/v1/openapi.json')).json();
  expect(doc.openapi).toBe('3.1.0');
  const described = new Set(
    Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
  );
  for (const route of [...apiRoutes(), ...FAST_PATH]) {
    if (route.endsWith('[...path]')) continue;
    const [method, pattern] = route.split(' ');
    const path = pattern.replace(/\[(\w+)\]/g, '{$1}');
    expect(described, `${route} is missing from openapi.json`).toContain(`${method} ${path}`);
    const op = doc.paths[path][method.toLowerCase()];
    expect(op.responses, route).toBeDefined();
    if (OPEN.has(route)) expect(op.security, route).toEqual([]);
    else expect(['read', 'predict', 'admin'], route).toContain(op['x-scope']);
  }
  // Bodies come from the validating schemas: the model creation body names its fields.
  expect(Object.keys(doc.paths['/api/v1/models'].post.requestBody.content['application/json'].schema.properties)).toEqual(
    expect.arrayContaining(['name', 'task', 'labels']),
  );
  await anon.dispose();
});

test('without credentials, no API route answers data or changes state (401), except the open ones', async ({ playwright, request }) => {
  const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
  const before = await (await request.get(`/api/v1/models/${model}/events`)).json();
  const seen: string[] = [];
  for (const route of [...new Set([...apiRoutes(), ...FAST_PATH])]) {
    const [method, pattern] = route.split(' ');
    if (OPEN.has(route)) continue;
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer mdk_not-a-real-key' }, { cookie: 'modeldock_session=forged' }];
    for (const headers of attempts) {
      const res = await send(anon, method, fill(pattern), headers);
      const text = await res.text();
      seen.push(`${route} ${res.status()}`);
      if (pattern === '/api/[...path]') {
        expect([401, 404], `${route}: ${text}`).toContain(res.status());
        continue;
      }
      expect(res.status(), `${route} with ${JSON.stringify(headers)}: ${text.slice(0, 200)}`).toBe(401);
      expect(text).not.toContain(model);
    }
  }
  expect(seen.length).toBeGreaterThanOrEqual(3 * 35);
  // Nothing changed: the model's timeline is what it was.
  expect(await (await request.get(`/api/v1/models/${model}/events`)).json()).toEqual(before);
  // The open routes give no data away.
  expect((await anon.get('/api/health')).status()).toBe(200);
  expect((await anon.get('/v2/health/live')).status()).toBe(200);
  expect(await (await anon.get('/api/v1/session')).json()).toEqual({ user: null, needs_setup: false });
  expect((await anon.post('/api/v1/setup', { data: { username: 'intruder', password: 'long enough password' } })).status()).toBe(409);
  await anon.dispose();
});

test('without a session, every page redirects to sign-in', async ({ playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
  for (const p of pages()) {
    if (p === '/login' || p === '/setup') continue;
    const url = fill(p);
    const res = await anon.get(url, { maxRedirects: 0 });
    expect(res.status(), url).toBe(303);
    expect(res.headers().location, url).toMatch(/^\/login/);
    expect(await res.text()).toBe('');
  }
  // Setup is closed once the admin exists; sign-in is open.
  expect((await anon.get('/setup', { maxRedirects: 0 })).headers().location).toBe('/login');
  expect((await anon.get('/login')).status()).toBe(200);
  await anon.dispose();
});
