// Regression tests for the holes an adversarial review found (each failed before its fix), and
// for the rest of each hole's class.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join, relative } from 'node:path';
import { DT, model as onnxModel, node as onnxNode, valueInfo } from '../../scripts/onnx-builder';
import { databaseEnv } from '../db';
import { createModel, MODELS_DIR, uniqueName } from '../fixtures';
import { onnxPart } from './helpers';
import { monitoring, outcomesOk, postImport, regressionModel } from './monitoring-helpers';
import { ADMIN_KEY, api, freePort, freshDataDir, killServer, ROOT, sleep, startServer, stopAllServers } from './server-process';
import { servedModel } from './serving-helpers';

const BASE = new URL(process.env.E2E_BASE_URL!);

/** A request sent with its path exactly as given (no client-side normalisation of '..'). */
function raw(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; port?: number } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: BASE.hostname, port: o.port ?? Number(BASE.port), path, method: o.method ?? 'GET', headers: o.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? walk(p) : e === 'page.tsx' ? [p] : [];
  });
}

let model: string;
/** Shown on the model's pages and the overview, never in a URL: its presence means data leaked. */
const SECRET = `secret-description-${Date.now().toString(36)}`;
/** Every dashboard page's path (read from the source), parameters filled with a served model. */
function dashboardPages(): string[] {
  const dir = join(ROOT, 'app', '(dashboard)');
  return walk(dir)
    .map((f) => '/' + relative(dir, f).replace(/\/?page\.tsx$/, ''))
    .map((p) => p.replace('[name]', model).replace('[n]', '1'));
}

test.beforeAll(async ({ request }) => {
  model = await servedModel(request, { prefix: 'hard', task: 'regression', file: 'regressor.onnx' });
  expect((await request.patch(`/api/v1/models/${model}`, { data: { description: SECRET } })).status()).toBe(200);
});

test.describe('pages are never rendered without a session', () => {
  // Prefixes the page guard treated as public, and every way of climbing out of them.
  const climbs = (page: string) => {
    const rest = page.replace(/^\//, '');
    return [
      `/api/../${rest}`,
      `/api/%2e%2e/${rest}`,
      `/api/%2E%2E/${rest}`,
      `/api/.%2e/${rest}`,
      `/api/%2e./${rest}`,
      `/metrics/../${rest}`,
      `/v2/../${rest}`,
      `/v2/models/x/../../../${rest}`,
      `/_next/static/../../${rest}`,
      `/_next/static/chunks/%2e%2e/%2e%2e/../${rest}`,
      `/api/./../${rest}`,
      `/api\\..\\${rest}`,
      `/api%5c..%5c${rest}`,
      `/api/v1/models/../../../${rest}`,
      `/./${rest}`,
    ];
  };

  test('a path that climbs out of a public prefix is refused with 400 before anything renders', async () => {
    const pages = dashboardPages();
    expect(pages).toEqual(expect.arrayContaining(['/', '/settings', '/models/new', `/models/${model}`]));
    let tried = 0;
    for (const page of pages) {
      for (const path of climbs(page)) {
        const res = await raw(path);
        tried++;
        expect(res.status, `${path}: ${res.text.slice(0, 200)}`).toBe(400);
        expect(res.text).not.toContain('API keys');
        expect(res.text).not.toContain(SECRET);
        expect(JSON.parse(res.text).errors[0].path).toBe('url');
      }
    }
    expect(tried).toBeGreaterThanOrEqual(7 * 15);
  });

  test('public prefixes are whole segments: look-alike paths are pages and need a session', async () => {
    for (const path of ['/metricsx', '/metrics.html', '/_next/imagex', '/apix', '/favicon.icox']) {
      const res = await raw(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toMatch(/^\/login/);
    }
  });

  test('Next alone (no page guard in front) still redirects every page to sign-in', async () => {
    test.setTimeout(90_000);
    // `next start` serves the same build without the app server's guard: each page's own check must hold.
    const port = await freePort();
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: ROOT,
      env: { ...process.env, ...databaseEnv(), PORT: String(port) },
      stdio: 'ignore',
    });
    try {
      let up = false;
      for (let i = 0; i < 150 && !up; i++) {
        await sleep(200);
        up = await raw('/login', { port }).then(
          (r) => r.status === 200,
          () => false,
        );
      }
      expect(up).toBe(true);
      for (const page of dashboardPages()) {
        const variants: Record<string, string>[] = [{}, { cookie: 'modeldock_session=forged' }, { rsc: '1' }, { rsc: '1', 'next-router-prefetch': '1' }];
        for (const headers of variants) {
          let res = await raw(page, { port, headers });
          // An RSC request is first sent to the same path with Next's cache-busting _rsc parameter.
          if (res.headers.location?.includes('_rsc=')) res = await raw(res.headers.location, { port, headers });
          const redirected = [303, 307, 308].includes(res.status) && /^\/login/.test(res.headers.location ?? '');
          const what = `${page} ${JSON.stringify(headers)}: ${res.status} ${res.headers.location} ${res.text.slice(0, 300)}`;
          if (!('rsc' in headers)) expect(redirected, what).toBe(true);
          // RSC answers carry the redirect in the flight data (a prefetch only the route's skeleton);
          // either way nothing of the page's data.
          else expect(redirected || res.status === 200 || (res.status === 307 && res.headers.location?.includes('_rsc')), what).toBe(true);
          if ('rsc' in headers && !('next-router-prefetch' in headers) && res.status === 200) expect(res.text).toContain('NEXT_REDIRECT;replace;/login;');
          expect(res.text).not.toContain('API keys');
          expect(res.text).not.toContain(SECRET);
        }
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});

test.describe('metric series come from the registry, never from a request', () => {
  test('failed predictions with made-up model names add no series and no memory to /metrics', async ({ request, playwright }) => {
    const key = await request.post('/api/v1/keys', { data: { name: `predict-only-${Date.now()}`, scopes: ['predict'] } });
    expect(key.status(), await key.text()).toBe(201);
    const token = (await key.json()).key as string;
    const metricsText = async () => (await request.get('/metrics')).text();
    const before = await metricsText();
    const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
    const predictOnly = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const madeUp = (i: number) => `zz${i}-${'q'.repeat(150)}`;
    for (let i = 0; i < 200; i++) {
      const ctx = i % 2 === 0 ? anon : predictOnly;
      const body = { instances: [[1, 2, 3]] };
      const res = await (i % 4 < 2
        ? ctx.post(`/api/v1/models/${madeUp(i)}/predict`, { data: body })
        : ctx.post(`/v2/models/${madeUp(i)}/infer`, { data: { inputs: [] } }));
      expect([401, 404], `${i}`).toContain(res.status());
    }
    const after = await metricsText();
    expect(after).not.toContain('zz1-');
    expect(after).not.toContain('qqqqqqqqqq');
    // The refusals are counted under model="unknown" (rest and v2), not one series each.
    expect(after).toMatch(/modeldock_prediction_requests_total\{route="rest",model="unknown",version="",status="4xx"\} \d+/);
    expect(after).toMatch(/modeldock_prediction_requests_total\{route="v2",model="unknown",version="",status="4xx"\} \d+/);
    // Other specs add series for their own models meanwhile: every label must be a model name
    // (at most 63 characters: made-up ones here are 150+), "unknown" or "other".
    const labels = (t: string) => [...t.matchAll(/^modeldock_prediction_requests_total\{route="\w+",model="([^"]*)"/gm)].map((m) => m[1]);
    expect(labels(before).length).toBeGreaterThan(0);
    for (const m of labels(after)) expect(m.length, m).toBeLessThanOrEqual(63);
    // A refused request for a real model is labelled with it once the caller is known.
    const bad = await predictOnly.post(`/api/v1/models/${model}/predict`, { data: { instances: [['x', 2, 3]] } });
    expect(bad.status()).toBe(422);
    expect(await metricsText()).toContain(`modeldock_prediction_requests_total{route="rest",model="${model}",version="",status="4xx"}`);
    await anon.dispose();
    await predictOnly.dispose();
  });
});

/** y = log(x): NaN for x < 0, -Infinity at 0 — a model that itself answers non-finite values. */
function logModel(): Buffer {
  return Buffer.from(
    onnxModel({
      inputs: [valueInfo('input', DT.FLOAT, ['batch', 1])],
      outputs: [valueInfo('variable', DT.FLOAT, ['batch', 1])],
      nodes: [onnxNode('Log', ['input'], ['variable'])],
    }),
  );
}

test.describe("monitoring cannot be poisoned with values outside the model's range", () => {
  test('inputs that overflow float32 are refused with 422 naming the field (REST and V2)', async ({ request }) => {
    for (const v of [3.5e38, -3.5e38, 1e300]) {
      const rest = await request.post(`/api/v1/models/${model}/predict`, { data: { instances: [[1, v, 3]] } });
      expect(rest.status(), await rest.text()).toBe(422);
      const p = await rest.json();
      expect(p.errors[0].path).toBe('instances[0][1]');
      expect(p.detail).toContain('float32');
      const v2 = await request.post(`/v2/models/${model}/infer`, { data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, v] }] } });
      expect(v2.status(), await v2.text()).toBe(422);
      expect((await v2.json()).error).toContain('float32');
    }
    // The largest float32 itself is a value like any other.
    expect((await request.post(`/api/v1/models/${model}/predict`, { data: { instances: [[3.4e38, 0, 0]] } })).status()).toBe(200);
  });

  test('a model answering NaN or Infinity gets 422 naming the output, and nothing is logged', async ({ request }) => {
    const name = uniqueName('nan-out');
    await createModel(request, { name, task: 'regression' });
    const up = await request.post(`/api/v1/models/${name}/versions`, { multipart: { file: onnxPart(logModel()) } });
    expect(up.status(), await up.text()).toBe(201);
    expect((await request.put(`/api/v1/models/${name}/aliases/production`, { data: { version: 1 } })).status()).toBe(200);
    const ok = await request.post(`/api/v1/models/${name}/predict`, { data: { instances: [[Math.E]] } });
    expect(ok.status()).toBe(200);
    for (const x of [-1, 0]) {
      const res = await request.post(`/api/v1/models/${name}/predict`, { data: { instances: [[x]], ids: [`bad-${x}`] } });
      expect(res.status(), await res.text()).toBe(422);
      const p = await res.json();
      expect(p.errors[0].path).toBe('outputs.variable');
      expect(p.detail).toMatch(x < 0 ? /NaN/ : /infinity/);
      const v2 = await request.post(`/v2/models/${name}/infer`, { data: { inputs: [{ name: 'input', shape: [1, 1], datatype: 'FP32', data: [x] }] } });
      expect(v2.status()).toBe(422);
      expect((await v2.json()).error).toContain('outputs.variable');
    }
    // Only the one good answer was logged; the refused ones are counted as 4xx failures.
    await expect.poll(async () => (await monitoring(request, name, { bucket: 'day' })).series.reduce((n, w) => n + w.count, 0), { timeout: 10_000 }).toBe(1);
    const outcome = await outcomesOk(request, [{ model: name, id: 'bad--1', actual: 1 }]);
    expect(outcome.unknown).toHaveLength(1);
    expect(await (await request.get('/metrics')).text()).toMatch(
      new RegExp(`modeldock_prediction_requests_total\\{route="rest",model="${name}",version="",status="4xx"\\} 2`),
    );
  });

  test("outcomes whose errors would overflow are refused; the window's metrics stay what the good pairs make them", async ({ request }) => {
    const name = await regressionModel(request, 'poison');
    const rows = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [1, 1, 1],
    ];
    const ids = rows.map((_, i) => `p${i}`);
    const answer = await request.post(`/api/v1/models/${name}/predict`, { data: { instances: rows, ids } });
    expect(answer.status()).toBe(200);
    const predictions = (await answer.json()).predictions as number[];
    // Every actual is its prediction + 2: MAE 2, RMSE 2.
    const good = await outcomesOk(
      request,
      ids.map((id, i) => ({ model: name, id, actual: predictions[i] + 2 })),
    );
    expect(good.accepted).toBe(4);
    const windowMetrics = async () => {
      const m = await monitoring(request, name, { bucket: 'day' });
      return m.series.find((w) => w.labeled > 0)?.metrics;
    };
    await expect.poll(async () => (await windowMetrics())?.mae, { timeout: 10_000 }).toBeCloseTo(2, 4);
    const poisoned = await outcomesOk(request, [
      { model: name, id: 'p0', actual: 1e200 },
      { model: name, id: 'p1', actual: -3.5e300 },
    ]);
    expect(poisoned.accepted + poisoned.updated).toBe(0);
    expect(poisoned.invalid.map((i) => i.message)).toEqual([expect.stringContaining('1e+150'), expect.stringContaining('1e+150')]);
    // Imports take the same bound, for predictions made elsewhere and for their outcomes.
    for (const record of [{ prediction: 1e200 }, { actual: -1e200 }]) {
      const res = await postImport(request, name, 1, [{ ts: Date.now() - 60_000, inputs: [1, 2, 3], ...record }]);
      expect(res.status(), await res.text()).toBe(422);
      expect((await res.json()).errors[0].path).toBe(`records[0].${Object.keys(record)[0]}`);
    }
    const m = await windowMetrics();
    expect(m?.mae).toBeCloseTo(2, 4);
    expect(m?.rmse).toBeCloseTo(2, 4);
    for (const v of Object.values(m ?? {})) if (v !== null) expect(Number.isFinite(v)).toBe(true);
  });
});

test('the alias route takes a version number, not a boolean or a list', async ({ request }) => {
  const before = await (await request.get(`/api/v1/models/${model}`)).json();
  for (const version of [true, false, [1], { n: 1 }, '', null]) {
    const res = await request.put(`/api/v1/models/${model}/aliases/staging`, { data: { version } });
    expect(res.status(), `${JSON.stringify(version)}: ${await res.text()}`).toBe(400);
    expect((await res.json()).errors[0].path).toBe('version');
  }
  const after = await (await request.get(`/api/v1/models/${model}`)).json();
  expect(after.model.aliases).toEqual(before.model.aliases);
});

test('pages carry a nonce-based Content-Security-Policy, refuse framing and sniffing, and every script has the nonce', async ({ playwright }) => {
  const anon = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL, extraHTTPHeaders: {} });
  const nonces = new Set<string>();
  for (const path of ['/login', '/login?next=/settings']) {
    const res = await anon.get(path, { maxRedirects: 0 });
    const h = res.headers();
    const csp = h['content-security-policy'] ?? '';
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, `${path}: ${csp}`).toBeTruthy();
    nonces.add(nonce!);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('same-origin');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
  // A fresh nonce per response.
  expect(nonces.size).toBe(2);
  // Redirects of the page guard carry them too.
  const redirect = await anon.get('/settings', { maxRedirects: 0 });
  expect(redirect.headers()['x-frame-options']).toBe('DENY');
  await anon.dispose();
});

test.describe('slow clients cannot hold connections', () => {
  test.afterAll(stopAllServers);

  test('a slow head, a stalled body and a trickling body are each cut off within their limits', async () => {
    test.setTimeout(120_000);
    const dataDir = freshDataDir('timeouts');
    const server = await startServer(dataDir, await freePort(), { HEADERS_TIMEOUT_MS: '1500', BODY_IDLE_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '4000' });
    /** Sends `chunks` with `gapMs` between them; resolves with what came back and when the socket closed. */
    const trickle = (chunks: string[], gapMs: number) =>
      new Promise<{ text: string; ms: number }>((resolve) => {
        const started = performance.now();
        const socket = net.connect(server.port, '127.0.0.1');
        let text = '';
        let i = 0;
        const timer = setInterval(() => {
          if (i < chunks.length && !socket.destroyed) socket.write(chunks[i++]);
        }, gapMs);
        socket.on('data', (d) => {
          text += d.toString('latin1');
        });
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ text, ms: performance.now() - started });
        });
        socket.on('error', () => undefined);
      });
    // A head sent one header line every 400 ms: cut at the 1.5 s head limit (node answers 408).
    const head = await trickle(
      Array.from({ length: 40 }, (_, i) => (i === 0 ? 'GET /api/health HTTP/1.1\r\n' : `x-h${i}: ${i}\r\n`)),
      400,
    );
    expect(head.ms).toBeLessThan(5_000);
    expect(head.text).toMatch(/^HTTP\/1\.1 408/);
    // A body that stops after 10 of 1000 bytes: 408 naming the body after ~1 s of silence.
    const body = `POST /api/v1/models HTTP/1.1\r\nhost: a\r\nauthorization: Bearer ${ADMIN_KEY}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"name": "sl`;
    const stalled = await trickle([body], 10);
    expect(stalled.ms).toBeLessThan(4_000);
    expect(stalled.text).toMatch(/^HTTP\/1\.1 408/);
    expect(stalled.text).toContain('"path":"body"');
    // A body trickling a byte every 300 ms never goes idle, but the whole request is cut at 4 s.
    const slow = await trickle([body, ...Array.from({ length: 100 }, () => ' ')], 300);
    expect(slow.ms).toBeGreaterThan(3_000);
    expect(slow.ms).toBeLessThan(8_000);
    // The server is still answering.
    expect((await api(server, 'GET', '/api/health')).status).toBe(200);
    await killServer(server, 'SIGTERM');
  });
});

test.describe('sign-in throttling', () => {
  test.afterAll(stopAllServers);

  test('guessing is slowed per address and per account, but never locks out a browser that signed in before', async () => {
    test.setTimeout(180_000);
    const password = 'the right password 123';
    const server = await startServer(freshDataDir('throttle'), await freePort(), { MODELDOCK_ADMIN_PASSWORD: password });
    const signIn = (from: string, pw: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; cookies: string[] }>((resolve, reject) => {
        const body = JSON.stringify({ username: 'admin', password: pw });
        const req = http.request(
          {
            host: '127.0.0.1',
            port: server.port,
            path: '/api/v1/session',
            method: 'POST',
            localAddress: from,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [] }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    // The admin's browser signs in once: a device cookie comes with the session (browsers only).
    const first = await signIn('127.0.0.5', password, { 'sec-fetch-site': 'same-origin' });
    expect(first.status).toBe(204);
    const device = first.cookies.find((c) => c.startsWith('modeldock_device='))!.split(';')[0];
    expect(device).toBeTruthy();
    expect((await signIn('127.0.0.5', password)).cookies.some((c) => c.startsWith('modeldock_device='))).toBe(false);
    // One address guessing: ten wrong passwords, then it must wait.
    const one = [];
    for (let i = 0; i < 11; i++) one.push((await signIn('127.0.0.6', `guess ${i}`)).status);
    expect(one.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(one[10]).toBe(429);
    // Another address is not held to that one's failures.
    expect((await signIn('127.0.0.7', password)).status).toBe(204);
    // Guessing from many addresses: after fifty failures on the account (ten of them above), every
    // new address waits…
    const spread = [];
    for (let i = 0; i < 41; i++) spread.push((await signIn(`127.0.1.${i + 1}`, `spread ${i}`)).status);
    expect(spread.slice(0, 40).every((s) => s === 401)).toBe(true);
    expect(spread[40]).toBe(429);
    const locked = await signIn('127.0.2.1', password);
    expect(locked.status).toBe(429);
    // …but the browser with the device cookie signs in, from the attacker's own address too.
    expect((await signIn('127.0.0.6', password, { cookie: device, 'sec-fetch-site': 'same-origin' })).status).toBe(204);
    // A forged device cookie counts for nothing.
    expect((await signIn('127.0.2.2', password, { cookie: 'modeldock_device=forged' })).status).toBe(429);
    await killServer(server, 'SIGTERM');
  });
});

test.describe('a stored model that no longer loads', () => {
  test.afterAll(stopAllServers);

  test('answers 503 naming the version (never 500), and readiness says so', async () => {
    test.setTimeout(120_000);
    const dataDir = freshDataDir('unloadable');
    const port = await freePort();
    // Model files on disk (the default on SQLite; on PostgreSQL runs the database is there, the files here).
    const files = { ARTIFACT_STORE: 'fs' };
    let server = await startServer(dataDir, port, files);
    expect((await api(server, 'POST', '/api/v1/models', { name: 'broken', task: 'regression' })).status).toBe(201);
    const form = new FormData();
    form.set('file', new Blob([readFileSync(join(MODELS_DIR, 'regressor.onnx'))]), 'regressor.onnx');
    const up = await api(server, 'POST', '/api/v1/models/broken/versions', form);
    expect(up.status).toBe(201);
    expect((await api(server, 'PUT', '/api/v1/models/broken/aliases/production', { version: 1 })).status).toBe(200);
    await killServer(server, 'SIGTERM');
    // The file on disk is damaged while the server is down.
    writeFileSync(join(dataDir, 'artifacts', `${up.json.version.sha256}.onnx`), Buffer.from('not an onnx model any more'));
    server = await startServer(dataDir, port, files);
    const res = await api(server, 'POST', '/api/v1/models/broken/predict', { instances: [[1, 2, 3]] });
    expect(res.status, JSON.stringify(res.json)).toBe(503);
    expect(res.json.errors[0].path).toBe('version');
    expect((await fetch(`${server.base}/v2/health/ready`)).status).toBe(503);
    await killServer(server, 'SIGTERM');
  });
});
