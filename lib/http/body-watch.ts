// A request body that stops arriving is answered 408 and its connection closed, instead of holding
// the connection until node's request timeout. The socket's byte count is read every `idleMs`; the
// body stream itself is not touched (a 'data' listener would start it flowing before the route
// reads it).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemBody } from './problem';
import { AppError } from '../errors';

export function watchBodyIdle(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return;
  const socket = req.socket;
  let seen = socket.bytesRead;
  const check = () => {
    if (req.complete || socket.destroyed) return;
    if (socket.bytesRead > seen) {
      seen = socket.bytesRead;
      timer = setTimeout(check, idleMs).unref();
      return;
    }
    const err = new AppError('request_timeout', `body: nothing arrived for ${idleMs} ms (BODY_IDLE_TIMEOUT_MS); send the body without pauses`, [
      { path: 'body', message: 'timed out' },
    ]);
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    const text = JSON.stringify(problemBody(err));
    res.shouldKeepAlive = false;
    res.writeHead(408, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text), connection: 'close' });
    res.end(text, () => socket.destroy());
  };
  let timer = setTimeout(check, idleMs).unref();
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
}

/**
 * A response sent before its request's body has all arrived (a 413 for an upload over MAX_UPLOAD_MB):
 * node reads and discards the rest, so the client can finish sending and read the answer, but only
 * for `graceMs` (node's former 5 s keep-alive did the same); then the connection is closed. With idle
 * keep-alive at 65 s, a client that kept sending would otherwise hold the connection that long. For
 * requests handed to Next.js (the fast path reads its bodies whole before it answers).
 */
export function closeIfAnsweredEarly(req: IncomingMessage, res: ServerResponse, graceMs = 5_000): void {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return;
  // The connection, taken now: destroying req.socket once the response was sent left the client
  // sending (measured), this one does not.
  const socket = req.socket;
  res.once('finish', () => {
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (!req.complete) socket.destroy();
    }, graceMs).unref();
    // Not the request's 'close': node emits it once the response is sent, body or not.
    const stop = () => {
      clearTimeout(timer);
      req.off('end', stop);
      socket.off('close', stop);
    };
    req.once('end', stop);
    socket.once('close', stop);
  });
}
