import { defineRoute, json } from '@/lib/http/define-route';
import { driftDetailQuerySchema } from '@/lib/schemas/monitoring';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getDriftDetail } from '@/lib/server/monitoring/drift-detail';

// GET /api/v1/models/:name/monitoring/drift — one feature in one window against the reference, bin by bin, with its test
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: driftDetailQuerySchema }, async ({ params, query }) => {
  return json(await getDriftDetail(params.name, query));
});
