import { defineRoute, json } from '@/lib/http/define-route';
import { outcomesBodySchema } from '@/lib/schemas/outcomes';
import { ingestOutcomes } from '@/lib/server/monitoring/ingest-outcomes';

// POST /api/v1/outcomes — ground truth by prediction id or model + client id; idempotent
export const POST = defineRoute({ scope: 'predict', body: outcomesBodySchema }, async ({ body }) => {
  return json(await ingestOutcomes(body.outcomes));
});
