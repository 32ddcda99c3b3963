import { z } from 'zod';
import { MAX_ID } from '@/lib/schemas/names';
import { defineRoute, json } from '@/lib/http/define-route';
import { revokeKeyById } from '@/lib/server/access/keys';

const params = z.object({
  id: z.coerce.number({ error: 'must be a key id' }).int('must be a key id').min(1, 'must be a key id').max(MAX_ID, 'must be a key id'),
});

// DELETE /api/v1/keys/:id — revoke (takes effect on the next request; idempotent)
export const DELETE = defineRoute({ scope: 'admin', params }, async ({ params: p, actor }) => {
  return json({ api_key: await revokeKeyById(p.id, actor.name) });
});
