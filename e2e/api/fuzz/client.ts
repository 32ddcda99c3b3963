// Sends generated requests with node:http exactly as generated (no URL normalisation, so "../"
// reaches the server), a few at a time, and tallies the answers.
import http from 'node:http';
import type { BodySpec } from './bodies';
import type { FuzzRequest } from './requests';

export interface Outcome {
  status: number | null;
  error: string | null;
  ms: number;
  /** The start of the answer, kept for 4xx and 5xx answers only. */
  preview: string;
}

export interface Target {
  host: string;
  port: number;
  authorization: string | null;
  cookie: string | null;
  /**
   * The fuzzer's own source address: sign-in attempts are throttled per client address, and the
   * fuzzer's would otherwise lock the other specs' sign-ins out (127.0.0.0/8 is all loopback).
   */
  localAddress?: string;
}

const MB = 1024 * 1024;

export function materialize(body: BodySpec | null): Buffer | null {
  if (!body) return null;
  switch (body.kind) {
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'huge':
      return Buffer.alloc(body.mb * MB, '[');
  }
}

function headersOf(req: FuzzRequest, target: Target, body: Buffer | null): Record<string, string> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth === 'default' && target.authorization) headers.authorization = target.authorization;
  // The admin's session for pages (a generated cookie header wins); never on sign-out, which would end it.
  if (req.auth === 'default' && target.cookie && headers.cookie === undefined && req.route !== 'DELETE /api/v1/session') headers.cookie = target.cookie;
  if (req.auth === 'garbage' && req.garbageAuth !== undefined) headers.authorization = req.garbageAuth;
  if (body) headers['content-length'] = String(body.length);
  return headers;
}

function once(agent: http.Agent, target: Target, req: FuzzRequest, timeoutMs: number): Promise<Outcome & { reused: boolean }> {
  const started = performance.now();
  const body = materialize(req.body);
  return new Promise((resolve) => {
    let reused = false;
    let settled = false;
    const done = (o: Omit<Outcome, 'ms'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...o, ms: performance.now() - started, reused });
    };
    let r: http.ClientRequest;
    try {
      r = http.request({
        host: target.host,
        port: target.port,
        localAddress: target.localAddress,
        method: req.method,
        path: req.path,
        headers: headersOf(req, target, body),
        agent,
        timeout: timeoutMs,
        // Next's redirects repeat a 10 000-character path in Location and Refresh: past node's 16 KB default.
        maxHeaderSize: 1024 * 1024,
      });
    } catch (err) {
      // node refused to send it (invalid characters): a generator bug, reported as such.
      done({ status: null, error: `client refused: ${(err as Error).message}`, preview: '' });
      return;
    }
    r.on('socket', () => {
      reused = r.reusedSocket;
    });
    r.on('timeout', () => {
      r.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    r.on('error', (err) => done({ status: null, error: (err as NodeJS.ErrnoException).code ?? err.message, preview: '' }));
    r.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (status >= 400 && size < 2000) {
          chunks.push(c);
          size += c.length;
        }
      });
      res.on('end', () => done({ status, error: null, preview: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
      res.on('error', () => done({ status, error: null, preview: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
    });
    if (body) r.end(body);
    else r.end();
  });
}

/**
 * Sends one request. A connection reset before any answer is retried once on a fresh socket: a
 * keep-alive socket the server closed between two requests fails that way, and so, rarely, does a
 * fresh one when the shared machine starves the server for seconds. `retried` says it happened;
 * a second reset is reported as the request's outcome.
 */
export async function send(agent: http.Agent, target: Target, req: FuzzRequest, timeoutMs = 30_000): Promise<Outcome & { retried: string | null }> {
  let out = await once(agent, target, req, timeoutMs);
  let retried: string | null = null;
  if (out.status === null && /ECONNRESET|EPIPE|socket hang up/.test(out.error ?? '')) {
    retried = `${out.error} after ${out.ms.toFixed(0)} ms`;
    out = await once(agent, target, req, timeoutMs);
    if (out.status === null) out = { ...out, error: `${retried}, then ${out.error}` };
  }
  return { status: out.status, error: out.error, ms: out.ms, preview: out.preview, retried };
}

/** Bytes of the request line and headers; past node's 16 KB limit the server answers 431 and closes. */
export function headSize(req: FuzzRequest): number {
  return req.method.length + req.path.length + 12 + Object.entries(req.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
}

/** Runs `next()` through `concurrency` lanes until it returns null. */
export async function pool<T>(concurrency: number, next: () => T | null, run: (item: T) => Promise<void>): Promise<void> {
  const lanes = Array.from({ length: concurrency }, async () => {
    for (let item = next(); item !== null; item = next()) await run(item);
  });
  await Promise.all(lanes);
}

/** A printable summary of a request for failure messages. */
export function describe(req: FuzzRequest): string {
  const body = req.body
    ? req.body.kind === 'huge'
      ? `<${req.body.mb} MB>`
      : `${req.body.note}: ${JSON.stringify(req.body.kind === 'text' ? req.body.text.slice(0, 300) : Buffer.from(req.body.bytes).subarray(0, 200).toString('latin1'))}${(req.body.kind === 'text' ? req.body.text.length : req.body.bytes.length) > 300 ? '…' : ''}`
    : '(no body)';
  const path = req.path.length > 300 ? `${req.path.slice(0, 300)}…(${req.path.length} chars)` : req.path;
  const headers = Object.entries(req.headers)
    .map(([k, v]) => `${k}: ${v.slice(0, 80)}`)
    .join('; ');
  return `${req.method} ${path} [${req.route}] auth=${req.auth} headers={${headers}} body=${body}`;
}
