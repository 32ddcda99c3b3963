import { defineRoute, json } from '@/lib/http/define-route';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getVerdict } from '@/lib/server/monitoring/monitoring';

// GET /api/v1/models/:name/verdict — the model's retraining verdict (its production version's, on the policy's windows)
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema }, async ({ params }) => {
  return json(await getVerdict(params.name));
});
