import { defineRoute, json } from '@/lib/http/define-route';
import { webhookParamsSchema } from '@/lib/schemas/webhooks';
import { testWebhook } from '@/lib/server/operations/webhooks';

// POST /api/v1/webhooks/:id/test — queue a ping to the webhook (sent within a second, retried like any delivery)
export const POST = defineRoute({ scope: 'admin', params: webhookParamsSchema }, async ({ params }) => json(await testWebhook(params.id), 202));
