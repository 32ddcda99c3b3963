import { z } from 'zod';
import { defineRoute, json } from '@/lib/http/define-route';
import { revokeKeyById } from '@/lib/server/access/keys';

const params = z.object({
  id: z.coerce
    .number({ error: 'must be a key id' })
    .int('must be a key id')
    .min(1, 'must be a key id')
    .max(2 ** 31),
});

// DELETE /api/v1/keys/:id — revoke (takes effect on the next request; idempotent)
export const DELETE = defineRoute({ scope: 'admin', params }, async ({ params: p, actor }) => {
  return json({ api_key: await revokeKeyById(p.id, actor.name) });
});
