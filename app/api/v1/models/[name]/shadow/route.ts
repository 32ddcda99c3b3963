import { defineRoute, json } from '@/lib/http/define-route';
import { shadowBodySchema } from '@/lib/schemas/experiments';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { deleteShadow, getShadow, putShadow } from '@/lib/server/experiments/shadow';

// GET /api/v1/models/:name/shadow — the shadow versions and this process's queue counters
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema }, async ({ params }) => {
  return json(await getShadow(params.name));
});

// PUT /api/v1/models/:name/shadow — replace the versions that score a copy of production traffic ([] ends)
export const PUT = defineRoute({ scope: 'admin', params: modelParamsSchema, body: shadowBodySchema }, async ({ params, body, actor }) => {
  return json(await putShadow(params.name, body.versions, actor));
});

// DELETE /api/v1/models/:name/shadow — end shadowing
export const DELETE = defineRoute({ scope: 'admin', params: modelParamsSchema }, async ({ params, actor }) => {
  await deleteShadow(params.name, actor);
  return new Response(null, { status: 204 });
});
