import { defineRoute, json } from '@/lib/http/define-route';
import { deliveriesQuerySchema, webhookParamsSchema } from '@/lib/schemas/webhooks';
import { webhookDeliveries } from '@/lib/server/operations/webhooks';

// GET /api/v1/webhooks/:id/deliveries — the webhook's latest deliveries, newest first
export const GET = defineRoute({ scope: 'admin', params: webhookParamsSchema, query: deliveriesQuerySchema }, async ({ params, query }) =>
  json(await webhookDeliveries(params.id, query.limit)),
);
