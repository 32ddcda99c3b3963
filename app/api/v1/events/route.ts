import { defineRoute, json } from '@/lib/http/define-route';
import { pageQuerySchema } from '@/lib/schemas/registry';
import { getEvents } from '@/lib/server/registry/events';

// GET /api/v1/events — the system's own events (API keys, accounts, deleted models), newest first
export const GET = defineRoute({ scope: 'admin', query: pageQuerySchema }, async ({ query }) => {
  return json(await getEvents(null, query));
});
