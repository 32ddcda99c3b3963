import { defineRoute, json } from '@/lib/http/define-route';
import { createWebhookSchema } from '@/lib/schemas/webhooks';
import { createWebhook, listWebhookDtos } from '@/lib/server/operations/webhooks';

// GET /api/v1/webhooks — every webhook with its deliveries by status, and the outbox's pending and failed jobs
export const GET = defineRoute({ scope: 'admin' }, async () => json(await listWebhookDtos()));

// POST /api/v1/webhooks — create a webhook; the answer holds its signing secret in clear, this once
export const POST = defineRoute({ scope: 'admin', body: createWebhookSchema }, async ({ body, actor }) => json(await createWebhook(body, actor.name), 201));
