// Credentials from a request, for lib/server/access/auth: header access for node's IncomingMessage
// (the fast path) and the fetch API's Request (Next's route handlers) alike.
import type { AuthRequest } from '../server/access/auth';

export function fromNodeHeaders(method: string | undefined, headers: Record<string, string | string[] | undefined>): AuthRequest {
  return {
    method: method ?? 'GET',
    header: (n) => {
      const v = headers[n];
      return Array.isArray(v) ? v[0] : v;
    },
  };
}

export function fromFetchRequest(req: Request): AuthRequest {
  return { method: req.method, header: (n) => req.headers.get(n) ?? undefined };
}
