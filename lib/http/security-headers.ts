// Response headers for everything Next renders (pages, their assets, the JSON routes): a Content
// Security Policy whose scripts must carry this response's nonce (Next reads the nonce from the
// request's own content-security-policy header and stamps its scripts with it), no framing by other
// origins (clickjacking of the signed-in dashboard), no MIME sniffing, no full URLs in Referer.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `dev`: Next.js in development mode evaluates its hot-reloaded modules, which needs 'unsafe-eval' (never in production). */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React's style attributes (charts, progress bars) need inline styles; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, dev = false): void {
  const csp = contentSecurityPolicy(randomBytes(16).toString('base64'), dev);
  // Next takes the nonce from the request's header (as a middleware would set it).
  req.headers['content-security-policy'] = csp;
  res.setHeader('content-security-policy', csp);
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
}
