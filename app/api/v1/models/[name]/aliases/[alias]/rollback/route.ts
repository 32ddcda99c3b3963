import { defineRoute, json } from '@/lib/http/define-route';
import { aliasParamsSchema } from '@/lib/schemas/registry';
import { rollbackAlias } from '@/lib/server/registry/aliases';

// POST /api/v1/models/:name/aliases/:alias/rollback — move the alias back to its previous version
export const POST = defineRoute({ scope: 'admin', params: aliasParamsSchema }, async ({ params, actor }) => {
  return json(await rollbackAlias(params.name, params.alias, actor));
});
