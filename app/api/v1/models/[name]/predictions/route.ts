import { defineRoute, json } from '@/lib/http/define-route';
import { browseQuerySchema, erasureQuerySchema } from '@/lib/schemas/predictions';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { browsePredictions } from '@/lib/server/serving/browse';
import { erasePredictions } from '@/lib/server/serving/erase';

// GET /api/v1/models/:name/predictions — logged predictions, newest first, filtered and paged by cursor
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: browseQuerySchema }, async ({ params, query }) => {
  return json(await browsePredictions(params.name, query));
});

// DELETE /api/v1/models/:name/predictions?id= — erase every logged row of a client id (GDPR), audited
export const DELETE = defineRoute({ scope: 'admin', params: modelParamsSchema, query: erasureQuerySchema }, async ({ params, query, actor }) => {
  return json(await erasePredictions(params.name, query.id, actor));
});
