// Every page needs the signed-in admin: requests for pages without a valid session are sent to
// /login (or /setup on first start, when no account exists). API routes authenticate themselves
// (Bearer key or session) in lib/server/access/auth.ts; Next's static assets are public.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { needsSetup } from '../server/access/accounts';
import { sessionUser } from '../server/access/auth';

// Whole segments: '/v2x' or '/metrics.html' are pages (and so need a session). Paths with dot
// segments never get here (request-guard's guardPath), and every page checks the session itself too.
const PUBLIC_PREFIXES = ['/_next/static/', '/api/', '/v2/'];
const PUBLIC_PATHS = new Set(['/favicon.ico', '/icon.svg', '/robots.txt', '/_next/image', '/v2', '/metrics']);

function redirect(res: ServerResponse, location: string): true {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
  return true;
}

/** Redirects when the page may not be shown; resolves false to let Next render it. */
export async function guardPage(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (PUBLIC_PATHS.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p))) return false;
  const setup = await needsSetup();
  if (path === '/setup') return setup ? false : redirect(res, '/login');
  const signedIn = !setup && (await sessionUser(req.headers.cookie)) !== null;
  if (path === '/login') return setup ? redirect(res, '/setup') : signedIn ? redirect(res, '/') : false;
  if (signedIn) return false;
  if (setup) return redirect(res, '/setup');
  const back = url === '/' ? '' : `?next=${encodeURIComponent(url.slice(0, 2000))}`;
  return redirect(res, `/login${back}`);
}
