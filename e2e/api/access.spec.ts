// Access against the real server: API keys (shown once, scoped, revocable from the API and the
// command line, rate-limited), the admin's sign-in with its cookie, cross-site refusals, and the
// actor of every change in the event log.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { databaseEnv } from '../db';
import { DATA_DIR, fixture, uniqueName, uploadVersion } from '../fixtures';
import { servedModel } from './serving-helpers';

const BASE = process.env.E2E_BASE_URL!;
const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

async function newKey(request: APIRequestContext, body: Record<string, unknown>): Promise<{ key: string; id: number }> {
  const res = await request.post('/api/v1/keys', { data: body });
  expect(res.status(), await res.text()).toBe(201);
  const json = await res.json();
  return { key: json.key, id: json.api_key.id };
}

async function as(playwright: { request: { newContext(o: object): Promise<APIRequestContext> } }, headers: Record<string, string>) {
  return playwright.request.newContext({ baseURL: BASE, extraHTTPHeaders: headers });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const ROW = { instances: [[1, 2, 3]] };

test('a key is shown once, listed without its secret, scoped, and refused once revoked', async ({ request, playwright }) => {
  const model = await servedModel(request, { prefix: 'keys', task: 'regression', file: 'regressor.onnx' });
  const name = uniqueName('predictor');
  const { key, id } = await newKey(request, { name, scopes: ['predict'] });
  expect(key).toMatch(/^mdk_[A-Za-z0-9]{40}$/);
  const listed = (await (await request.get('/api/v1/keys')).json()).api_keys.find((k: { id: number }) => k.id === id);
  expect(listed).toMatchObject({ name, prefix: key.slice(0, 12), scopes: ['predict'], revoked_at: null });
  expect(JSON.stringify(listed)).not.toContain(key.slice(12));

  const client = await as(playwright, bearer(key));
  expect((await client.post(`/api/v1/models/${model}/predict`, { data: ROW })).status()).toBe(200);
  expect(
    (await client.post(`/v2/models/${model}/infer`, { data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] } })).status(),
  ).not.toBe(401);
  // predict does not include read, nor admin.
  const read = await client.get(`/api/v1/models/${model}`);
  expect(read.status()).toBe(403);
  expect((await read.json()).errors[0].path).toBe('scope');
  expect((await client.put(`/api/v1/models/${model}/aliases/production`, { data: { version: 1 } })).status()).toBe(403);
  expect((await uploadVersion(client, model, fixture('regressor.onnx'))).status()).toBe(403);
  // last used is recorded.
  const used = (await (await request.get('/api/v1/keys')).json()).api_keys.find((k: { id: number }) => k.id === id);
  expect(Date.now() - Date.parse(used.last_used_at)).toBeLessThan(60_000);

  const revoked = await request.delete(`/api/v1/keys/${id}`);
  expect(revoked.status()).toBe(200);
  expect((await revoked.json()).api_key.revoked_at).not.toBeNull();
  const after = await client.post(`/api/v1/models/${model}/predict`, { data: ROW });
  expect(after.status()).toBe(401);
  expect(after.headers()['www-authenticate']).toMatch(/^Bearer/);
  expect((await request.delete('/api/v1/keys/999999')).status()).toBe(404);
  expect((await request.post('/api/v1/keys', { data: { name: '', scopes: ['root'] } })).status()).toBe(400);
  await client.dispose();
});

test('every change names its actor: the key that made it', async ({ request, playwright }) => {
  const model = await servedModel(request, { prefix: 'actor', task: 'regression', file: 'regressor.onnx', versions: 2 });
  const keyName = uniqueName('deployer');
  const { key } = await newKey(request, { name: keyName, scopes: ['admin'] });
  const deployer = await as(playwright, bearer(key));
  expect((await deployer.put(`/api/v1/models/${model}/aliases/production`, { data: { version: 2 } })).status()).toBe(200);
  expect((await deployer.patch(`/api/v1/models/${model}`, { data: { description: 'moved by CI' } })).status()).toBe(200);
  const events = (await (await request.get(`/api/v1/models/${model}/events`)).json()).events as { kind: string; actor: string }[];
  expect(events.slice(0, 2).map((e) => [e.kind, e.actor])).toEqual([
    ['model_updated', keyName],
    ['alias_moved', keyName],
  ]);
  expect(events.find((e) => e.kind === 'model_created')!.actor).toBe('admin-key');
  const system = (await (await request.get('/api/v1/events')).json()).events as { kind: string; actor: string; detail: { key?: string } }[];
  expect(system.find((e) => e.kind === 'key_created' && e.detail.key === keyName)!.actor).toBe('admin-key');
  await deployer.dispose();
});

test('per-key rate limit on prediction routes: 429 with Retry-After, other keys unaffected', async ({ request, playwright }) => {
  const model = await servedModel(request, { prefix: 'limit', task: 'regression', file: 'regressor.onnx' });
  const slow = await as(playwright, bearer((await newKey(request, { name: uniqueName('slow'), scopes: ['predict'], rate_limit: 1 })).key));
  const statuses: number[] = [];
  let retryAfter = '';
  for (let i = 0; i < 5; i++) {
    const res = await slow.post(`/api/v1/models/${model}/predict`, { data: ROW });
    statuses.push(res.status());
    if (res.status() === 429) {
      retryAfter = res.headers()['retry-after'];
      expect((await res.json()).status).toBe(429);
    }
  }
  expect(statuses[0]).toBe(200);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  // The V2 route answers the protocol's shape.
  const v2 = await slow.post(`/v2/models/${model}/infer`, { data: { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] } });
  expect(v2.status()).toBe(429);
  expect(Object.keys(await v2.json())).toEqual(['error']);
  // Another key, and reads by the same key's owner, are not limited.
  const fast = await as(playwright, bearer((await newKey(request, { name: uniqueName('fast'), scopes: ['predict'] })).key));
  for (let i = 0; i < 5; i++) expect((await fast.post(`/api/v1/models/${model}/predict`, { data: ROW })).status()).toBe(200);
  await new Promise((r) => setTimeout(r, 1100));
  expect((await slow.post(`/api/v1/models/${model}/predict`, { data: ROW })).status()).toBe(200);
  await slow.dispose();
  await fast.dispose();
});

test('the admin signs in with a password: HttpOnly SameSite=Lax cookie, Secure behind https, cross-site refused, sign-out', async ({ playwright }) => {
  const anon = await as(playwright, {});
  const wrong = await anon.post('/api/v1/session', { data: { username: 'admin', password: 'not the password' } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).errors[0].path).toBe('password');
  expect((await anon.post('/api/v1/session', { data: { username: 'admin' } })).status()).toBe(400);

  const ok = await anon.post('/api/v1/session', { data: { username: 'admin', password: process.env.E2E_ADMIN_PASSWORD } });
  expect(ok.status()).toBe(204);
  const cookie = ok.headers()['set-cookie'];
  expect(cookie).toMatch(/^modeldock_session=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
  const behindTls = await anon.post('/api/v1/session', {
    data: { username: 'admin', password: process.env.E2E_ADMIN_PASSWORD },
    headers: { 'x-forwarded-proto': 'https' },
  });
  expect(behindTls.headers()['set-cookie']).toMatch(/; Secure$/);

  const session = cookie.split(';')[0];
  const browser = await as(playwright, { cookie: session });
  expect(await (await browser.get('/api/v1/session')).json()).toEqual({ user: { username: 'admin' }, needs_setup: false });
  expect((await browser.get('/api/v1/models')).status()).toBe(200);
  const name = uniqueName('csrf');
  // A page on another site posting with the admin's cookie is refused; the same site is not.
  const forged = await browser.post('/api/v1/models', {
    data: { name, task: 'regression' },
    headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  });
  expect(forged.status()).toBe(403);
  expect((await browser.post('/api/v1/models', { data: { name, task: 'regression' }, headers: { origin: 'https://evil.example' } })).status()).toBe(403);
  expect((await browser.get(`/api/v1/models/${name}`)).status()).toBe(404);
  const same = await browser.post('/api/v1/models', { data: { name, task: 'regression' }, headers: { origin: BASE, 'sec-fetch-site': 'same-origin' } });
  expect(same.status()).toBe(201);
  const events = (await (await browser.get(`/api/v1/models/${name}/events`)).json()).events;
  expect(events[0].actor).toBe('admin');

  expect((await browser.delete('/api/v1/session', { headers: { origin: BASE } })).status()).toBe(204);
  expect((await browser.get('/api/v1/models')).status()).toBe(401);
  await browser.dispose();
  await anon.dispose();
});

test('keys from the command line work against the running server, and revoking there takes effect at once', async ({ request, playwright }) => {
  const model = await servedModel(request, { prefix: 'cli', task: 'regression', file: 'regressor.onnx' });
  const name = uniqueName('cli');
  const env = { ...process.env, ...databaseEnv(DATA_DIR) };
  const created = await run('npx', ['tsx', 'scripts/keys.ts', 'create', '--name', name, '--scope', 'predict', '--scope', 'read'], { cwd: ROOT, env });
  const key = created.stdout.trim().split('\n').pop()!;
  expect(key).toMatch(/^mdk_[A-Za-z0-9]{40}$/);
  const listed = await run('npx', ['tsx', 'scripts/keys.ts', 'list'], { cwd: ROOT, env });
  expect(listed.stdout).toContain(name);
  expect(listed.stdout).not.toContain(key.slice(12));
  const client = await as(playwright, bearer(key));
  expect((await client.post(`/api/v1/models/${model}/predict`, { data: ROW })).status()).toBe(200);
  expect((await client.get(`/api/v1/models/${model}`)).status()).toBe(200);
  await run('npx', ['tsx', 'scripts/keys.ts', 'revoke', name], { cwd: ROOT, env });
  expect((await client.post(`/api/v1/models/${model}/predict`, { data: ROW })).status()).toBe(401);
  const bad = await run('npx', ['tsx', 'scripts/keys.ts', 'create', '--name', 'x', '--scope', 'root'], { cwd: ROOT, env }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect((bad as { code: number }).code).toBe(2);
  expect((bad as { stderr: string }).stderr).toContain('--scope');
  await client.dispose();
});
