import { defineRoute, json } from '@/lib/http/define-route';
import { createModelSchema, pageQuerySchema } from '@/lib/schemas/registry';
import { createModel, listModels } from '@/lib/server/registry/models';

// GET /api/v1/models — list models with aliases and latest version
export const GET = defineRoute({ scope: 'read', query: pageQuerySchema }, async ({ query }) => {
  return json(await listModels(query));
});

// POST /api/v1/models — create a model
export const POST = defineRoute({ scope: 'admin', body: createModelSchema }, async ({ body, actor }) => {
  return json({ model: await createModel(body, actor) }, 201);
});
