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
