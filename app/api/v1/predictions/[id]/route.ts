import { z } from 'zod';
import { defineRoute, json } from '@/lib/http/define-route';
import { predictionIdSchema } from '@/lib/schemas/registry';
import { getPrediction } from '@/lib/server/serving/read-log';

// GET /api/v1/predictions/:id — one logged prediction: inputs, answer, version, time
export const GET = defineRoute({ scope: 'read', params: z.object({ id: predictionIdSchema }) }, async ({ params }) => {
  return json({ prediction: await getPrediction(params.id) });
});
