import { defineRoute, json } from '@/lib/http/define-route';
import { policyUpdateSchema } from '@/lib/schemas/monitoring';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { getPolicy, putPolicy, resetPolicy } from '@/lib/server/monitoring/monitoring';

// GET /api/v1/models/:name/policy — the retraining policy in force, and the defaults
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema }, async ({ params }) => {
  return json(await getPolicy(params.name));
});

// PUT /api/v1/models/:name/policy — change any of metric, tolerance, floor, min_labeled, drift_share, consecutive, bucket, lookback
export const PUT = defineRoute({ scope: 'admin', params: modelParamsSchema, body: policyUpdateSchema }, async ({ params, body, actor }) => {
  return json(await putPolicy(params.name, body, actor));
});

// DELETE /api/v1/models/:name/policy — back to the defaults (custom: false)
export const DELETE = defineRoute({ scope: 'admin', params: modelParamsSchema }, async ({ params, actor }) => {
  return json(await resetPolicy(params.name, actor));
});
