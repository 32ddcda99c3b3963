import { defineRoute, json } from '@/lib/http/define-route';
import { aliasParamsSchema, rollbackBodySchema } from '@/lib/schemas/registry';
import { rollbackAlias } from '@/lib/server/registry/aliases';

// POST /api/v1/models/:name/aliases/:alias/rollback — move the alias back to its previous version; optional body {reason}
export const POST = defineRoute({ scope: 'admin', params: aliasParamsSchema, body: rollbackBodySchema }, async ({ params, body, actor }) => {
  return json(await rollbackAlias(params.name, params.alias, actor, body?.reason));
});
