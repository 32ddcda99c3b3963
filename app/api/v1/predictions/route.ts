import { defineRoute, json } from '@/lib/http/define-route';
import { predictionLookupSchema } from '@/lib/schemas/registry';
import { getPredictions } from '@/lib/server/serving/read-log';

// GET /api/v1/predictions?ids=a,b — logged predictions by id (up to 200; unknown ids left out)
export const GET = defineRoute({ scope: 'read', query: predictionLookupSchema }, async ({ query }) => {
  return json({ predictions: await getPredictions(query.ids) });
});
