import { defineRoute, json } from '@/lib/http/define-route';
import { aliasParamsSchema, setAliasSchema } from '@/lib/schemas/registry';
import { deleteAlias, putAlias } from '@/lib/server/registry/aliases';

// PUT /api/v1/models/:name/aliases/:alias — point the alias at a version (promotion, ends a split) or split it by weight
export const PUT = defineRoute({ scope: 'admin', params: aliasParamsSchema, body: setAliasSchema }, async ({ params, body, actor }) => {
  return json(await putAlias(params.name, params.alias, body, actor));
});

// DELETE /api/v1/models/:name/aliases/:alias — remove the alias
export const DELETE = defineRoute({ scope: 'admin', params: aliasParamsSchema }, async ({ params, actor }) => {
  await deleteAlias(params.name, params.alias, actor);
  return new Response(null, { status: 204 });
});
