import { defineRoute, json } from '@/lib/http/define-route';
import { compareQuerySchema } from '@/lib/schemas/experiments';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getCompare } from '@/lib/server/experiments/compare';

// GET /api/v1/models/:name/compare?a=&b=&from=&to=&bucket= — champion vs challenger: metric, difference with interval, test, agreement, latency
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: compareQuerySchema }, async ({ params, query }) => {
  return json(await getCompare(params.name, query));
});
