import { defineRoute, json } from '@/lib/http/define-route';
import { createDemo } from '@/lib/server/demo/create-demo';

// POST /api/v1/demo — create the demo model with 30 days of traffic (idempotent: 200 when it exists)
export const POST = defineRoute({ scope: 'admin' }, async ({ actor }) => {
  const demo = await createDemo(actor);
  return json(demo, demo.created ? 201 : 200);
});
