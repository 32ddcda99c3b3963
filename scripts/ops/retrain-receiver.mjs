#!/usr/bin/env node
// An example receiver of Modeldock's webhooks that retrains from the data a
// model.needs_retraining delivery points at. Plain Node 20, no dependencies:
//   1. verifies x-modeldock-signature (HMAC-SHA256 of the raw body with the webhook's secret),
//   2. dedupes by the body's `id` (the delivery id, covered by the signature: the
//      x-modeldock-delivery header is not, so a replayed body under another header is still a
//      duplicate; a delivery can also arrive twice after a timeout, or when Modeldock was killed
//      mid-attempt), remembering ids in OUT_DIR/deliveries.log; with MAX_AGE_SECONDS set, also
//      refuses a body whose occurred_at is older than that (default: no limit; set it longer than
//      Modeldock keeps retrying a delivery, e.g. 3600),
//   3. answers 200 at once (Modeldock waits 10 s at most), then downloads data.export_url (a
//      signed link: no API key needed) to OUT_DIR and runs RETRAIN_COMMAND, if set, with
//      MODEL, VERSION, DATA_FILE, EXPORT_URL and DELIVERY_ID in its environment.
// Run: WEBHOOK_SECRET=whsec_... PORT=8787 OUT_DIR=./retrain-data [MAX_AGE_SECONDS=3600] \
//      RETRAIN_COMMAND='python train.py' node scripts/ops/retrain-receiver.mjs
// Each line it prints is one JSON object (what happened), for logs and tests.
import { spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const SECRET = process.env.WEBHOOK_SECRET;
const PORT = Number(process.env.PORT ?? 8787);
const OUT_DIR = process.env.OUT_DIR ?? './retrain-data';
const RETRAIN_COMMAND = process.env.RETRAIN_COMMAND;
const MAX_AGE_MS = Number(process.env.MAX_AGE_SECONDS ?? 0) * 1000;
const MAX_BODY = 1024 * 1024;
if (!SECRET) {
  console.error('set WEBHOOK_SECRET to the secret shown when the webhook was created');
  process.exit(2);
}
if (!Number.isFinite(MAX_AGE_MS) || MAX_AGE_MS < 0) {
  console.error('MAX_AGE_SECONDS must be a number of seconds (0 or unset: no limit)');
  process.exit(2);
}
mkdirSync(OUT_DIR, { recursive: true });
const SEEN_FILE = join(OUT_DIR, 'deliveries.log');
const seen = new Set();
try {
  for (const id of readFileSync(SEEN_FILE, 'utf8').split('\n')) if (id) seen.add(id);
} catch {
  /* first start */
}

const log = (what) => console.log(JSON.stringify({ at: new Date().toISOString(), ...what }));

function signatureValid(raw, header) {
  const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function retrain(event) {
  const { model, version, data } = event;
  const format = new URL(data.export_url).searchParams.get('format') ?? 'csv';
  const file = join(OUT_DIR, `${model}-v${version}-${event.id}.${format}`);
  const res = await fetch(data.export_url);
  if (!res.ok) throw new Error(`export_url answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
  log({ event: 'downloaded', delivery: event.id, model, version, file, reasons: data.reasons?.map((r) => r.message) ?? [] });
  if (!RETRAIN_COMMAND) return;
  const child = spawn(RETRAIN_COMMAND, {
    shell: true,
    stdio: 'inherit',
    env: { ...process.env, MODEL: model, VERSION: String(version), DATA_FILE: file, EXPORT_URL: data.export_url, DELIVERY_ID: event.id },
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  log({ event: 'retrain_command_exited', delivery: event.id, code });
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return res.writeHead(405).end();
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (!signatureValid(raw, req.headers['x-modeldock-signature'])) {
      log({ event: 'refused', reason: 'bad signature', delivery: req.headers['x-modeldock-delivery'] ?? null });
      return res.writeHead(401).end('bad signature');
    }
    let event;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      event = null;
    }
    // The signed body's id is the delivery id (the header is unsigned: never trusted for dedupe).
    const delivery = typeof event?.id === 'string' && /^[0-9A-Za-z]{1,64}$/.test(event.id) ? event.id : null;
    if (delivery === null) {
      log({ event: 'refused', reason: 'no delivery id in the body' });
      return res.writeHead(400).end('no delivery id in the body');
    }
    if (seen.has(delivery)) {
      log({ event: 'duplicate', delivery });
      return res.writeHead(200).end('duplicate');
    }
    if (MAX_AGE_MS > 0) {
      const at = Date.parse(event.occurred_at);
      if (!Number.isFinite(at) || Date.now() - at > MAX_AGE_MS) {
        log({ event: 'refused', reason: 'too old', delivery, occurred_at: event.occurred_at ?? null });
        return res.writeHead(400).end('too old');
      }
    }
    seen.add(delivery);
    appendFileSync(SEEN_FILE, `${delivery}\n`);
    log({ event: 'received', delivery, type: event.type, model: event.model, version: event.version ?? null });
    res.writeHead(200).end('ok');
    if (event.type === 'model.needs_retraining') retrain(event).catch((err) => log({ event: 'failed', delivery, error: String(err.message ?? err) }));
  });
});
server.listen(PORT, () => log({ event: 'listening', port: server.address().port }));
