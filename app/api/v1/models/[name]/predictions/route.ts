import { defineRoute, json } from '@/lib/http/define-route';
import { browseQuerySchema } from '@/lib/schemas/predictions';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { browsePredictions } from '@/lib/server/serving/browse';

// GET /api/v1/models/:name/predictions — logged predictions, newest first, filtered and paged by cursor
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: browseQuerySchema }, async ({ params, query }) => {
  return json(await browsePredictions(params.name, query));
});
