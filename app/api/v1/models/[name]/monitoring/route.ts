import { defineRoute, json } from '@/lib/http/define-route';
import { monitoringQuerySchema } from '@/lib/schemas/monitoring';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getMonitoring } from '@/lib/server/monitoring/monitoring';

// GET /api/v1/models/:name/monitoring — windows of metrics, drift, latency and the retraining verdict
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: monitoringQuerySchema }, async ({ params, query }) => {
  return json(await getMonitoring(params.name, query));
});
