import { defineRoute, json } from '@/lib/http/define-route';
import { importBodySchema } from '@/lib/schemas/outcomes';
import { versionParamsSchema } from '@/lib/schemas/registry';
import { importPredictions } from '@/lib/server/serving/import';

// POST /api/v1/models/:name/versions/:n/predictions/import — log predictions made elsewhere, or backtest
export const POST = defineRoute({ scope: 'admin', params: versionParamsSchema, body: importBodySchema }, async ({ params, body }) => {
  return json(await importPredictions(params.name, params.n, body));
});
