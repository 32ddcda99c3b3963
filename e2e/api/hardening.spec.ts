// Regression tests for the holes an adversarial review found (each failed before its fix), and
// for the rest of each hole's class.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, relative } from 'node:path';
import { freePort, ROOT, sleep } from './server-process';
import { servedModel } from './serving-helpers';

const BASE = new URL(process.env.E2E_BASE_URL!);

/** A request sent with its path exactly as given (no client-side normalisation of '..'). */
function raw(path: string, o: { method?: string; headers?: Record<string, string>; body?: string; port?: number } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
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
  return walk(dir).map((f) => '/' + relative(dir, f).replace(/\/?page\.tsx$/, ''))
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
      `/api/../${rest}`, `/api/%2e%2e/${rest}`, `/api/%2E%2E/${rest}`, `/api/.%2e/${rest}`, `/api/%2e./${rest}`,
      `/metrics/../${rest}`, `/v2/../${rest}`, `/v2/models/x/../../../${rest}`, `/_next/static/../../${rest}`,
      `/_next/static/chunks/%2e%2e/%2e%2e/../${rest}`, `/api/./../${rest}`, `/api\\..\\${rest}`, `/api%5c..%5c${rest}`,
      `/api/v1/models/../../../${rest}`, `/./${rest}`,
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
      cwd: ROOT, env: { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR!, PORT: String(port) }, stdio: 'ignore',
    });
    try {
      let up = false;
      for (let i = 0; i < 150 && !up; i++) {
        await sleep(200);
        up = await raw('/login', { port }).then((r) => r.status === 200, () => false);
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
