import { defineRoute, json } from '@/lib/http/define-route';
import { modelDetailQuerySchema, modelParamsSchema, updateModelSchema } from '@/lib/schemas/registry';
import { deleteModel, getModelDetail, updateModel } from '@/lib/server/registry/models';

// GET /api/v1/models/:name — the model, its versions and aliases
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: modelDetailQuerySchema }, async ({ params, query }) => {
  return json(await getModelDetail(params.name, { includeArchived: query.include_archived }));
});

// PATCH /api/v1/models/:name — edit description and labels
export const PATCH = defineRoute({ scope: 'admin', params: modelParamsSchema, body: updateModelSchema }, async ({ params, body, actor }) => {
  return json({ model: await updateModel(params.name, body, actor) });
});

// DELETE /api/v1/models/:name — delete (409 while an alias points at a version)
export const DELETE = defineRoute({ scope: 'admin', params: modelParamsSchema }, async ({ params, actor }) => {
  await deleteModel(params.name, actor);
  return new Response(null, { status: 204 });
});
