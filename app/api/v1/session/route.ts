import { defineRoute, json } from '@/lib/http/define-route';
import { loginSchema, type SessionDto } from '@/lib/schemas/access';
import { deviceCookieFor, isSecureRequest, login, logout, needsSetup } from '@/lib/server/access/accounts';
import { fromFetchRequest } from '@/lib/http/credentials';
import { checkOrigin, sessionUser } from '@/lib/server/access/auth';

// GET /api/v1/session — who is signed in (null when nobody), and whether setup is pending
export const GET = defineRoute({ scope: 'public' }, async ({ req }) => {
  const dto: SessionDto = { user: await sessionUser(req.headers.get('cookie') ?? undefined), needs_setup: await needsSetup() };
  return json(dto);
});

// POST /api/v1/session — sign in: {username, password} → 204 with the session cookie
export const POST = defineRoute({ scope: 'public', body: loginSchema }, async ({ req, body }) => {
  checkOrigin(fromFetchRequest(req));
  const secure = isSecureRequest(req.headers.get('x-forwarded-proto') ?? undefined);
  const client = req.headers.get('x-modeldock-remote') ?? 'unknown';
  const cookie = await login(body.username, body.password, client, secure, req.headers.get('cookie') ?? undefined);
  const headers = new Headers({ 'cache-control': 'no-store', 'set-cookie': cookie });
  // Device cookies are for browsers (which always send Sec-Fetch-Site); programs use API keys.
  const device = req.headers.has('sec-fetch-site') ? await deviceCookieFor(body.username, secure) : null;
  if (device) headers.append('set-cookie', device);
  return new Response(null, { status: 204, headers });
});

// DELETE /api/v1/session — sign out (ends the session server-side and clears the cookie)
export const DELETE = defineRoute({ scope: 'public' }, async ({ req }) => {
  checkOrigin(fromFetchRequest(req));
  const secure = isSecureRequest(req.headers.get('x-forwarded-proto') ?? undefined);
  return new Response(null, { status: 204, headers: { 'set-cookie': await logout(req.headers.get('cookie') ?? undefined, secure) } });
});
