import { defineRoute, json } from '@/lib/http/define-route';
import { policyUpdateSchema } from '@/lib/schemas/monitoring';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getPolicy, putPolicy } from '@/lib/server/monitoring/monitoring';

// GET /api/v1/models/:name/policy — the retraining policy in force, and the defaults
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema }, async ({ params }) => {
  return json(await getPolicy(params.name));
});

// PUT /api/v1/models/:name/policy — change any of metric, tolerance, floor, min_labeled, drift_share, consecutive
export const PUT = defineRoute({ scope: 'admin', params: modelParamsSchema, body: policyUpdateSchema }, async ({ params, body, actor }) => {
  return json(await putPolicy(params.name, body, actor));
});
