// The README's example receiver (scripts/ops/retrain-receiver.mjs, run as a child process on a port of
// its own): it dedupes on the signed body's `id`, never on the unsigned x-modeldock-delivery header,
// and with MAX_AGE_SECONDS refuses a body whose occurred_at is older. The full path (a real delivery,
// the export download) is in e2e/api/webhooks.spec.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'whsec_receiver_test';
const dir = mkdtempSync(join(tmpdir(), 'modeldock-receiver-'));
let child: ChildProcess;
let port = 0;

beforeAll(async () => {
  child = spawn(process.execPath, [join(__dirname, 'retrain-receiver.mjs')], {
    env: { ...process.env, WEBHOOK_SECRET: SECRET, PORT: '0', OUT_DIR: dir, MAX_AGE_SECONDS: '3600' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
});

afterAll(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function post(body: object, headers: Record<string, string> = {}, secret = SECRET): Promise<{ status: number; text: string }> {
  const raw = JSON.stringify(body);
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', 'x-modeldock-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`, ...headers },
  });
  return { status: res.status, text: await res.text() };
}

describe('retrain-receiver.mjs', () => {
  it('dedupes on the signed body id whatever the delivery header says', async () => {
    const ping = { id: '01JRECEIVERTEST0000000001', type: 'ping', occurred_at: new Date().toISOString(), model: null, data: {} };
    expect(await post(ping, { 'x-modeldock-delivery': ping.id })).toEqual({ status: 200, text: 'ok' });
    // A replay of the same signed body under a fresh header, or none, is still the same delivery.
    expect(await post(ping, { 'x-modeldock-delivery': '01JSOMETHINGELSE000000000' })).toEqual({ status: 200, text: 'duplicate' });
    expect(await post(ping)).toEqual({ status: 200, text: 'duplicate' });
    // Another body id under the first delivery's header is a new delivery.
    expect(await post({ ...ping, id: '01JRECEIVERTEST0000000002' }, { 'x-modeldock-delivery': ping.id })).toEqual({ status: 200, text: 'ok' });
  });

  it('refuses a bad signature, a body without an id, and (MAX_AGE_SECONDS) an old occurred_at', async () => {
    const now = new Date().toISOString();
    expect((await post({ id: '01JRECEIVERTEST0000000003', type: 'ping', occurred_at: now }, {}, 'wrong')).status).toBe(401);
    expect(await post({ type: 'ping', occurred_at: now })).toEqual({ status: 400, text: 'no delivery id in the body' });
    const old = new Date(Date.now() - 2 * 3_600_000).toISOString();
    expect(await post({ id: '01JRECEIVERTEST0000000004', type: 'ping', occurred_at: old })).toEqual({ status: 400, text: 'too old' });
  });
});
