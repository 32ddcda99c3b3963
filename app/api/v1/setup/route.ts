import { defineRoute } from '@/lib/http/define-route';
import { setupSchema } from '@/lib/schemas/access';
import { deviceCookieFor, isSecureRequest, setupAdmin } from '@/lib/server/access/accounts';
import { fromFetchRequest } from '@/lib/http/credentials';
import { checkOrigin } from '@/lib/server/access/auth';

// POST /api/v1/setup — first start only: create the admin account and sign it in (409 afterwards)
export const POST = defineRoute({ scope: 'public', body: setupSchema }, async ({ req, body }) => {
  checkOrigin(fromFetchRequest(req));
  const secure = isSecureRequest(req.headers.get('x-forwarded-proto') ?? undefined);
  const cookie = await setupAdmin(body.username, body.password, secure);
  const headers = new Headers({ 'cache-control': 'no-store', 'set-cookie': cookie });
  const device = req.headers.has('sec-fetch-site') ? await deviceCookieFor(body.username, secure) : null;
  if (device) headers.append('set-cookie', device);
  return new Response(null, { status: 201, headers });
});
