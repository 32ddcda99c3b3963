import { defineRoute, json } from '@/lib/http/define-route';
import { createKeySchema } from '@/lib/schemas/access';
import { createKey, listKeyDtos } from '@/lib/server/access/keys';

// GET /api/v1/keys — every API key (active first), never the keys themselves
export const GET = defineRoute({ scope: 'admin' }, async () => json({ api_keys: await listKeyDtos() }));

// POST /api/v1/keys — create a key; the answer holds it in clear, this once
export const POST = defineRoute({ scope: 'admin', body: createKeySchema }, async ({ body, actor }) => {
  return json(await createKey(body, actor.name), 201);
});
