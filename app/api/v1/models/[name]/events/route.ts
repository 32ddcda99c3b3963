import { defineRoute, json } from '@/lib/http/define-route';
import { modelParamsSchema, pageQuerySchema } from '@/lib/schemas/registry';
import { getEvents } from '@/lib/server/registry/events';

// GET /api/v1/models/:name/events — the timeline, newest first
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: pageQuerySchema }, async ({ params, query }) => {
  return json(await getEvents(params.name, query));
});
