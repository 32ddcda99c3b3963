// Reading a JSON request body the same way on every route (Next handlers and the fast path).
import type { IncomingMessage } from 'node:http';
import { AppError, mayHoldBadText, refuseNul } from '../errors';
import { env } from '../env';

/** JSON is read whatever the declared type (curl -d sends form-urlencoded); only types that cannot carry JSON text are refused. */
export function checkJsonContentType(type: string | null | undefined): void {
  if (type && /^(multipart\/|image\/|audio\/|video\/|application\/octet-stream)/i.test(type)) {
    throw new AppError('unsupported_media_type', `content-type: expected application/json, got "${type}"`);
  }
}

/**
 * Bodies are taken as sent: inflating a compressed body would let a few kilobytes of gzip become
 * gigabytes (a zip bomb), so any content coding other than identity is refused (RFC 9110 §15.5.16).
 */
export function checkContentEncoding(encoding: string | null | undefined): void {
  if (encoding === null || encoding === undefined) return;
  const coding = encoding.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return;
  throw new AppError('unsupported_media_type', `content-encoding: "${encoding.slice(0, 40)}" is not accepted; send the body uncompressed`, [
    { path: 'content-encoding', message: 'compressed request bodies are not accepted' },
  ]);
}

/** Reads a body as UTF-8 text, refusing it as soon as it passes `limitMb` (whatever content-length said). */
export async function readTextLimited(body: ReadableStream<Uint8Array> | null, limitMb: number): Promise<string> {
  if (!body) return '';
  const limit = limitMb * 1024 * 1024;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      // The client stopped sending (aborted, reset): its fault, not a 500 (found by the fuzz suite).
      throw new AppError('invalid_input', 'body: the request was interrupted before its body was complete', [{ path: 'body', message: 'interrupted' }]);
    }
    const { done, value } = next;
    if (done) break;
    size += value.length;
    if (size > limit) {
      // Answer now, while the client is still sending. The rest is read and discarded (up to as much
      // again) so the 413 arrives on a usable connection; cancelling at once destroyed the socket
      // under the answer (the sender saw EPIPE, not the 413). A body far beyond that is cut off.
      void discardThenCancel(reader, limit);
      throw tooLarge(limitMb);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function discardThenCancel(reader: ReadableStreamDefaultReader<Uint8Array>, budget: number): Promise<void> {
  let left = budget;
  try {
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.length;
    }
  } catch {
    return;
  }
  await reader.cancel().catch(() => undefined);
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new AppError('invalid_input', 'body: required (JSON)', [{ path: 'body', message: 'required' }]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_input', `body: malformed JSON (${(err as Error).message})`, [{ path: 'body', message: 'malformed JSON' }]);
  }
  // Only an escape can put NUL or a lone surrogate in a parsed string (JSON refuses a raw NUL, and
  // UTF-8 cannot carry a lone surrogate): look closer only then.
  if (mayHoldBadText(text)) refuseNul(value);
  return value;
}

export function tooLarge(limitMb: number): AppError {
  return new AppError('payload_too_large', `body: larger than ${limitMb} MB (MAX_BODY_MB)`, [{ path: 'body', message: 'too large' }]);
}

/** The fast path's body: a node request read to its end (refused past MAX_BODY_MB while it streams), parsed as JSON. */
export async function readNodeJson(req: IncomingMessage): Promise<unknown> {
  return parseJsonText((await readNodeBody(req)).toString('utf8'));
}

/** A node request's body, read to its end (refused past MAX_BODY_MB while it streams), as sent. */
export function readNodeBody(req: IncomingMessage): Promise<Buffer> {
  checkJsonContentType(req.headers['content-type']);
  checkContentEncoding(req.headers['content-encoding']);
  const limit = env.MAX_BODY_MB * 1024 * 1024;
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.reject(tooLarge(env.MAX_BODY_MB));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(env.MAX_BODY_MB));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', () => {
      if (!failed) {
        failed = true;
        reject(new AppError('invalid_input', 'body: the request was interrupted'));
      }
    });
  });
}

/**
 * A Next route handler's body: read with the same limit, parsed as JSON. `absent(text)` says when
 * the text stands for no body at all (an empty body where the route's body is optional): undefined.
 */
export async function readFetchJson(req: Request, absent?: (text: string) => boolean): Promise<unknown> {
  checkJsonContentType(req.headers.get('content-type'));
  checkContentEncoding(req.headers.get('content-encoding'));
  if (Number(req.headers.get('content-length') ?? 0) > env.MAX_BODY_MB * 1024 * 1024) throw tooLarge(env.MAX_BODY_MB);
  const text = await readTextLimited(req.body, env.MAX_BODY_MB);
  if (absent?.(text)) return undefined;
  return parseJsonText(text);
}
