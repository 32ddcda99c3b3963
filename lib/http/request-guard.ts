// Requests Next.js answers with a 500 although the client is at fault, refused here first (found by
// the fuzz suite, e2e/api/fuzz.spec.ts):
// - a path whose percent-escapes are not UTF-8 (%zz, %ff, overlong forms like %c0%ae): Next turns
//   its DecodeError into a 400 error page, whose rendering fails in this App Router app → 500;
// - a verb the App Router does not implement (TRACE, CONNECT…): "HTTP method is unsupported" → 500;
// - a request target that is not a path (OPTIONS *): "Invalid URL" thrown out of Next → 500;
// - a Next-Action header: this app defines no server actions, and Next logs an error for each one.
// And, before anything else (the fast path included), a path with a dot segment ('..', '.', also
// percent-encoded as '%2e') or a backslash: URL parsers resolve those, so a guard that decides on the
// raw path and a router that serves the resolved one disagree ('/api/../settings' was a public
// '/api/' path to the page guard and the settings page to Next). No route of this app has one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { problemBody } from './problem';
import { AppError } from '../errors';

/** The verbs an App Router route handler can export. */
const NEXT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH']);

function refuse(req: IncomingMessage, res: ServerResponse, err: AppError, headers: Record<string, string> = {}): true {
  req.resume();
  const text = JSON.stringify(problemBody(err));
  res.writeHead(err.status, { ...headers, 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}

/** A segment that URL resolution removes or climbs out of, or a backslash (read as '/' by URL parsers). */
export function hasUnsafeSegment(path: string): boolean {
  if (path.includes('\\')) return true;
  const encoded = path.includes('%');
  if (!path.includes('.') && !encoded) return false;
  if (encoded && /%5c/i.test(path)) return true;
  for (const raw of path.split('/')) {
    const seg = encoded ? raw.replace(/%2e/gi, '.') : raw;
    if (seg === '.' || seg === '..') return true;
  }
  return false;
}

/** Refuses a path with dot segments or backslashes (400); runs first, before the fast path. */
export function guardPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!hasUnsafeSegment(path)) return false;
  return refuse(
    req,
    res,
    new AppError('invalid_input', 'url: the path has a dot segment (. or ..) or a backslash; send the resolved path', [
      { path: 'url', message: 'dot segment or backslash' },
    ]),
  );
}

/** True when the request was answered here (4xx); false to hand it on to Next. */
export function guardRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const method = req.method ?? 'GET';
  if (!NEXT_METHODS.has(method)) {
    return refuse(req, res, new AppError('method_not_allowed', `method: ${method} is not supported`), { allow: [...NEXT_METHODS].join(', ') });
  }
  if (req.headers['next-action'] !== undefined) {
    return refuse(
      req,
      res,
      new AppError('invalid_input', 'next-action: this app has no server actions', [{ path: 'next-action', message: 'no server actions' }]),
    );
  }
  const url = req.url ?? '/';
  if (!url.startsWith('/') && !/^https?:\/\//i.test(url)) {
    return refuse(req, res, new AppError('invalid_input', 'url: the request target must be a path', [{ path: 'url', message: 'not a path' }]));
  }
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.includes('%')) {
    try {
      decodeURIComponent(path);
    } catch {
      return refuse(
        req,
        res,
        new AppError('invalid_input', 'url: the path is not valid percent-encoded UTF-8', [{ path: 'url', message: 'invalid percent-encoding' }]),
      );
    }
  }
  return false;
}
