// Webhooks and the outbox (issue 15 §1–3) on a server of its own, with fast retries
// (WEBHOOK_RETRY_BASE_MS=200, WEBHOOK_TIMEOUT_MS=4000) and receivers in this process:
// - the 30-day drift scenario (the demo) delivers ONE model.needs_retraining, signed, with the
//   reasons and an export_url that downloads the labeled rows without an API key (and 403 when
//   altered), to a JSON webhook, to a Slack one (Slack's incoming-webhook shape) and to the example
//   receiver of the README (scripts/ops/retrain-receiver.mjs, run as a child process);
// - a receiver that fails twice then succeeds shows 3 attempts; one that always fails is given up;
// - a SIGKILL while a delivery is in flight (committed, not yet acknowledged): after the restart it
//   is delivered, with the same delivery id;
// - bad input is a 400 naming the field, and /metrics counts the deliveries.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { onPostgres, peekServer } from '../db';
import { api, AUTH, freePort, freshDataDir, killServer, ROOT, startServer, stopAllServers, type Json, type Server } from './server-process';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Json;
}

/** Receivers on one port: each path answers as its behaviour says (the n-th request it sees). */
class Receiver {
  readonly seen: Received[] = [];
  private readonly behaviour = new Map<string, (n: number, res: http.ServerResponse) => void>();
  private server!: http.Server;
  base = '';

  on(path: string, answer: (n: number, res: http.ServerResponse) => void): string {
    this.behaviour.set(path, answer);
    return `${this.base}${path}`;
  }

  at(path: string): Received[] {
    return this.seen.filter((r) => r.path === path);
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        let body: Json = null;
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
        this.seen.push({ path, headers: req.headers, raw, body });
        const answer = this.behaviour.get(path) ?? ((_n, r) => r.writeHead(404).end());
        answer(this.at(path).length, res);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const hmac = (secret: string, raw: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const ok = (_n: number, res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');

let server: Server;
let port: number;
let dataDir: string;
const receiver = new Receiver();
let exampleReceiver: ChildProcess | null = null;
const exampleLog: string[] = [];
const env = { WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '4000' };

async function create(body: Record<string, unknown>): Promise<{ id: number; secret: string }> {
  const res = await api(server, 'POST', '/api/v1/webhooks', body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.webhook.id, secret: res.json.secret };
}

async function deliveries(id: number): Promise<Json[]> {
  const res = await api(server, 'GET', `/api/v1/webhooks/${id}/deliveries`);
  expect(res.status).toBe(200);
  return res.json.deliveries;
}

test.beforeAll(async () => {
  await receiver.start();
  dataDir = freshDataDir('webhooks');
  port = await freePort();
  server = await startServer(dataDir, port, { ...env, PUBLIC_URL: `http://127.0.0.1:${port}` });
});

test.afterAll(async () => {
  exampleReceiver?.kill('SIGKILL');
  await receiver.stop();
  await stopAllServers();
});

test('bad webhooks are refused with 400 naming the field; the secret is shown once, headers never', async () => {
  for (const [body, path] of [
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'file:///etc/passwd', events: ['*'] }, 'url'],
    [{ url: 'not a url', events: ['*'] }, 'url'],
    [{ url: 'https://user:pw@example.com/', events: ['*'] }, 'url'],
    [{ url: 'https://example.com/', events: ['model.exploded'] }, 'events[0]'],
    [{ url: 'https://example.com/', events: [] }, 'events'],
    [{ url: 'https://example.com/', events: ['*'], format: 'teams' }, 'format'],
    [{ url: 'https://example.com/', events: ['*'], models: ['Not A Name'] }, 'models[0]'],
    [{ url: 'https://example.com/', events: ['*'], secret: 'short' }, 'secret'],
    [{ url: 'https://example.com/', events: ['*'], headers: { 'x-modeldock-signature': 'x' } }, 'headers.x-modeldock-signature'],
    [{ url: 'https://example.com/', events: ['*'], headers: { Authorization: 'a\r\nb' } }, 'headers.Authorization'],
    [{ url: 'https://example.com/', events: ['*'], extra: 1 }, 'body'],
  ] as const) {
    const res = await api(server, 'POST', '/api/v1/webhooks', body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(res.json.code).toBe('invalid_input');
    expect(
      res.json.errors.map((e: { path: string }) => e.path),
      JSON.stringify(res.json),
    ).toContain(path);
  }
  const created = await api(server, 'POST', '/api/v1/webhooks', {
    url: 'https://ci.example.com/hook',
    events: ['model.needs_retraining'],
    headers: { Authorization: 'Bearer very-secret-ci-token' },
    description: 'CI',
  });
  expect(created.status).toBe(201);
  expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
  expect(created.json.webhook).toMatchObject({
    url: 'https://ci.example.com/hook',
    events: ['model.needs_retraining'],
    models: ['*'],
    format: 'json',
    headers: ['Authorization'],
  });
  const list = await api(server, 'GET', '/api/v1/webhooks');
  const text = JSON.stringify(list.json);
  expect(text).not.toContain(created.json.secret);
  expect(text).not.toContain('very-secret-ci-token');
  // neither is either stored in clear: not in the SQLite file's bytes nor its WAL's (free pages too),
  // not in any webhook or delivery row on PostgreSQL; the webhook's URL is there (the check reads it)
  const stored = onPostgres
    ? Buffer.from(
        peekServer<{ t: string }>(
          dataDir,
          "SELECT concat_ws(' ', (SELECT string_agg(w::text, ' ') FROM webhooks w), (SELECT string_agg(j::text, ' ') FROM jobs j)) AS t",
        )[0].t ?? '',
      )
    : Buffer.concat(['modeldock.sqlite', 'modeldock.sqlite-wal'].filter((f) => existsSync(join(dataDir, f))).map((f) => readFileSync(join(dataDir, f))));
  expect(stored.includes(Buffer.from('ci.example.com'))).toBe(true);
  expect(stored.includes(Buffer.from(created.json.secret))).toBe(false);
  expect(stored.includes(Buffer.from('very-secret-ci-token'))).toBe(false);
  expect((await api(server, 'DELETE', `/api/v1/webhooks/${created.json.webhook.id}`)).status).toBe(204);
  expect((await api(server, 'DELETE', `/api/v1/webhooks/${created.json.webhook.id}`)).status).toBe(404);
  expect((await api(server, 'POST', '/api/v1/webhooks/999999/test')).status).toBe(404);
  expect((await api(server, 'GET', '/api/v1/webhooks/abc/deliveries')).status).toBe(400);
});

test('the 30-day drift scenario delivers one signed model.needs_retraining with the reasons and a working export_url', async () => {
  const jsonHook = await create({
    url: receiver.on('/ci', ok),
    events: ['*'],
    models: ['demo-churn'],
    headers: { Authorization: 'Bearer ci-token' },
  });
  const slackHook = await create({ url: receiver.on('/slack', ok), events: ['model.needs_retraining'], format: 'slack' });
  await create({ url: receiver.on('/elsewhere', ok), events: ['*'], models: ['another-model'] });
  // A receiver that never answers 2xx: given up after ≥ 5 attempts (checked at the end of the spec).
  await create({ url: receiver.on('/down', (_n, res) => res.writeHead(503).end('maintenance')), events: ['version.created'] });

  // The README's example receiver, as a child process.
  const examplePort = await freePort();
  const outDir = join(dataDir, 'retrain-out');
  const example = await create({ url: `http://127.0.0.1:${examplePort}/`, events: ['model.needs_retraining'] });
  exampleReceiver = spawn(process.execPath, ['scripts/ops/retrain-receiver.mjs'], {
    cwd: ROOT,
    env: { ...process.env, WEBHOOK_SECRET: example.secret, PORT: String(examplePort), OUT_DIR: outDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exampleReceiver.stdout!.on('data', (c: Buffer) => exampleLog.push(...c.toString('utf8').split('\n').filter(Boolean)));
  await expect.poll(() => exampleLog.some((l) => l.includes('"listening"'))).toBe(true);

  const demo = await api(server, 'POST', '/api/v1/demo', {});
  expect(demo.status, JSON.stringify(demo.json)).toBe(201);
  await expect.poll(() => receiver.at('/ci').filter((r) => r.body.type === 'model.needs_retraining').length, { timeout: 60_000 }).toBe(1);
  // Asking for the verdict again (each call refreshes and stores it) is no new transition.
  for (let i = 0; i < 3; i++) expect((await api(server, 'GET', '/api/v1/models/demo-churn/verdict')).json.verdict.state).toBe('needs_retraining');
  await expect.poll(async () => (await deliveries(jsonHook.id)).filter((d) => d.status !== 'delivered').length).toBe(0);

  const ci = receiver.at('/ci');
  const byType = (t: string) => ci.filter((r) => r.body.type === t);
  expect(byType('model.needs_retraining')).toHaveLength(1);
  expect(byType('version.created')).toHaveLength(1);
  expect(byType('alias.moved')).toHaveLength(1);
  expect(byType('model.drift')).toHaveLength(1);
  expect(receiver.at('/elsewhere')).toHaveLength(0);
  for (const r of ci) {
    expect(r.headers['x-modeldock-signature']).toBe(hmac(jsonHook.secret, r.raw));
    expect(r.headers['x-modeldock-delivery']).toBe(r.body.id);
    expect(r.headers['x-modeldock-event']).toBe(r.body.type);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.authorization).toBe('Bearer ci-token');
  }
  const retrain = byType('model.needs_retraining')[0].body;
  expect(retrain).toMatchObject({ type: 'model.needs_retraining', model: 'demo-churn', version: 1, data: { state: 'needs_retraining' } });
  expect(Date.parse(retrain.occurred_at)).toBeGreaterThan(Date.now() - 120_000);
  expect(retrain.data.reasons.length).toBeGreaterThan(0);
  expect(retrain.data.reasons[0]).toMatchObject({ metric: 'accuracy', message: expect.any(String), since: expect.any(String) });
  expect(retrain.data.monitoring_url).toBe(`${server.base}/models/demo-churn/monitoring`);
  expect(Date.parse(retrain.data.export_expires_at) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

  // The export_url needs no API key, and holds labeled rows of version 1 from the episode's start.
  const link = new URL(retrain.data.export_url);
  expect(link.origin).toBe(server.base);
  const download = await fetch(link);
  expect(download.status).toBe(200);
  const csv = (await download.text()).trim().split('\n');
  const header = csv[0].split(',');
  expect(header.slice(0, 3)).toEqual(['id', 'ts', 'version']);
  expect(csv.length).toBeGreaterThan(500);
  const actual = header.indexOf('actual');
  const tsAt = header.indexOf('ts');
  for (const line of csv.slice(1, 200)) {
    const cells = line.split(',');
    expect(['stays', 'churns']).toContain(cells[actual]);
    expect(cells[2]).toBe('1');
    expect(Date.parse(cells[tsAt])).toBeGreaterThanOrEqual(Date.parse(retrain.data.export.from));
  }
  const parquet = await fetch(retrain.data.export_urls.parquet);
  expect(parquet.status).toBe(200);
  expect(
    Buffer.from(await parquet.arrayBuffer())
      .subarray(0, 4)
      .toString(),
  ).toBe('PAR1');

  // Altered or unsigned: 403 / 401, with a clear message.
  const tampered = new URL(link);
  tampered.searchParams.set('from', '2000-01-01T00:00:00.000Z');
  const refused = await fetch(tampered);
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { detail: string }).detail).toMatch(/^export link: the signature does not match/);
  const otherModel = new URL(link.toString().replace('/models/demo-churn/', '/models/another/'));
  expect((await fetch(otherModel)).status).toBe(403);
  const unsigned = new URL(link);
  unsigned.searchParams.delete('sig');
  unsigned.searchParams.delete('expires');
  expect((await fetch(unsigned)).status).toBe(401);

  // Slack's incoming-webhook shape: text, and blocks of header, section (mrkdwn) and context.
  const slack = receiver.at('/slack');
  expect(slack).toHaveLength(1);
  const message = slack[0].body;
  expect(Object.keys(message).sort()).toEqual(['blocks', 'text']);
  expect(message.text).toContain('demo-churn needs retraining');
  expect(message.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'context']);
  expect(message.blocks[0].text).toMatchObject({ type: 'plain_text', text: 'demo-churn needs retraining' });
  expect(message.blocks[1].text.type).toBe('mrkdwn');
  expect(message.blocks[1].text.text).toContain('*Verdict:* needs retraining (version 1)');
  expect(message.blocks[1].text.text).toContain(`<${server.base}/models/demo-churn/monitoring|Open monitoring>`);
  expect(message.blocks[1].text.text.length).toBeLessThanOrEqual(3000);
  // The signed export link (no API key needed) goes to JSON webhooks only, never to a channel.
  expect(slack[0].raw).not.toContain('/predictions/export');
  expect(message.blocks[2].elements[0].type).toBe('mrkdwn');
  expect(slack[0].headers['x-modeldock-signature']).toBe(hmac(slackHook.secret, slack[0].raw));

  // The example receiver verified the signature and downloaded the data.
  await expect
    .poll(() => exampleLog.find((l) => l.includes('"downloaded"')) ?? exampleLog.find((l) => l.includes('"failed"')), { timeout: 30_000 })
    .toContain('"downloaded"');
  const downloaded = JSON.parse(exampleLog.find((l) => l.includes('"downloaded"'))!);
  expect(downloaded).toMatchObject({ model: 'demo-churn', version: 1 });
  expect(readFileSync(downloaded.file, 'utf8').split('\n')[0]).toMatch(/^id,ts,version,/);
  expect(readdirSync(outDir).filter((f) => f.endsWith('.csv'))).toHaveLength(1);
  // …refuses a forged delivery and dedupes a repeated one.
  const delivered = (await deliveries(example.id))[0];
  const body = JSON.stringify({ id: delivered.id, type: 'model.needs_retraining', data: {} });
  const forged = await fetch(`http://127.0.0.1:${examplePort}/`, {
    method: 'POST',
    body,
    headers: { 'x-modeldock-signature': hmac('wrong', body), 'x-modeldock-delivery': delivered.id },
  });
  expect(forged.status).toBe(401);
  const again = await fetch(`http://127.0.0.1:${examplePort}/`, {
    method: 'POST',
    body,
    // replayed under another (unsigned) delivery header: the signed body's id still dedupes it
    headers: { 'x-modeldock-signature': hmac(example.secret, body), 'x-modeldock-delivery': 'replayed-under-another-id' },
  });
  expect(await again.text()).toBe('duplicate');
});

test('a receiver that fails twice then succeeds shows 3 attempts, with the same delivery id', async () => {
  const hook = await create({
    url: receiver.on('/flaky', (n, res) => (n <= 2 ? res.writeHead(500).end('not yet') : res.writeHead(204).end())),
    events: ['version.created'],
    models: ['nothing-here'],
  });
  const ping = await api(server, 'POST', `/api/v1/webhooks/${hook.id}/test`);
  expect(ping.status).toBe(202);
  expect(ping.json.delivery).toMatchObject({ event: 'ping', status: 'retrying', attempts: 0 });
  await expect.poll(async () => (await deliveries(hook.id))[0]?.status, { timeout: 30_000 }).toBe('delivered');
  const [d] = await deliveries(hook.id);
  expect(d).toMatchObject({ id: ping.json.delivery.id, event: 'ping', status: 'delivered', attempts: 3, response_status: 204, last_error: null });
  expect(Date.parse(d.delivered_at)).toBeGreaterThan(Date.parse(d.created_at));
  const seen = receiver.at('/flaky');
  expect(seen).toHaveLength(3);
  expect(new Set(seen.map((r) => r.headers['x-modeldock-delivery']))).toEqual(new Set([d.id]));
  expect(seen.map((r) => r.headers['x-modeldock-attempt'])).toEqual(['1', '2', '3']);
  expect(new Set(seen.map((r) => r.raw)).size).toBe(1);
  expect(seen[0].body).toMatchObject({ id: d.id, type: 'ping', model: null });
});

test('SIGKILL while a delivery is in flight: after the restart it is delivered, with the same id', async () => {
  let release: (() => void) | null = null;
  const hook = await create({
    url: receiver.on('/slow', (n, res) => {
      if (n === 1) release = () => res.destroy();
      else res.writeHead(200).end('ok');
    }),
    events: ['alias.moved'],
    models: ['nothing-here'],
  });
  const queued = await api(server, 'POST', `/api/v1/webhooks/${hook.id}/test`);
  expect(queued.status).toBe(202);
  await expect.poll(() => receiver.at('/slow').length).toBe(1);
  await killServer(server, 'SIGKILL');
  (release as (() => void) | null)?.();
  server = await startServer(dataDir, port, { ...env, PUBLIC_URL: `http://127.0.0.1:${port}` });
  // The lease (timeout 4 s + 5 s) runs out, and the job is sent again.
  await expect.poll(() => receiver.at('/slow').length, { timeout: 30_000 }).toBe(2);
  const seen = receiver.at('/slow');
  expect(seen[1].headers['x-modeldock-delivery']).toBe(queued.json.delivery.id);
  expect(seen[1].raw).toBe(seen[0].raw);
  await expect.poll(async () => (await deliveries(hook.id))[0]?.status).toBe('delivered');
  expect((await deliveries(hook.id))[0]).toMatchObject({ id: queued.json.delivery.id, attempts: 2, response_status: 200 });
});

test('a receiver that never succeeds is given up as failed after at least 5 attempts; /metrics counts deliveries', async () => {
  const list = await api(server, 'GET', '/api/v1/webhooks');
  const down = list.json.webhooks.find((w: { url: string }) => w.url.endsWith('/down'));
  // And one more in this process (the first may have been given up before the restart).
  const down2 = await create({ url: receiver.on('/down2', (_n, res) => res.writeHead(500).end()), events: ['model.watch'] });
  expect((await api(server, 'POST', `/api/v1/webhooks/${down2.id}/test`)).status).toBe(202);
  for (const id of [down.id, down2.id]) await expect.poll(async () => (await deliveries(id))[0]?.status, { timeout: 60_000 }).toBe('failed');
  const [d] = await deliveries(down.id);
  expect(d.attempts).toBeGreaterThanOrEqual(5);
  expect(d.response_status).toBe(503);
  expect(d.last_error).toBe('HTTP 503: maintenance');
  expect(d.delivered_at).toBeNull();
  const [d2] = await deliveries(down2.id);
  expect(d2.attempts).toBeGreaterThanOrEqual(5);
  expect(d2.last_error).toBe('HTTP 500');
  expect(receiver.at('/down2')).toHaveLength(d2.attempts);
  const after = await api(server, 'GET', '/api/v1/webhooks');
  expect(after.json.jobs.failed).toBeGreaterThanOrEqual(2);
  expect(after.json.webhooks.find((w: { id: number }) => w.id === down.id).deliveries).toMatchObject({ failed: 1, delivered: 0 });

  const metrics = await (await fetch(`${server.base}/metrics`, { headers: AUTH })).text();
  const count = (result: string) => Number(new RegExp(`^modeldock_webhook_deliveries_total\\{result="${result}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
  // this process, since the restart: /down2's retries and its failure, /slow's delivery
  expect(count('retry')).toBeGreaterThanOrEqual(d2.attempts - 1);
  expect(count('failed')).toBeGreaterThanOrEqual(1);
  expect(count('delivered')).toBeGreaterThanOrEqual(1);
});
