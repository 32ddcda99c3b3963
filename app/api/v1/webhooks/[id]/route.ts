import { defineRoute } from '@/lib/http/define-route';
import { webhookParamsSchema } from '@/lib/schemas/webhooks';
import { removeWebhook } from '@/lib/server/operations/webhooks';

// DELETE /api/v1/webhooks/:id — delete a webhook and its deliveries (queued ones are not sent)
export const DELETE = defineRoute({ scope: 'admin', params: webhookParamsSchema }, async ({ params, actor }) => {
  await removeWebhook(params.id, actor.name);
  return new Response(null, { status: 204 });
});
