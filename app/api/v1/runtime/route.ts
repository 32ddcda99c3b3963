import { defineRoute, json } from '@/lib/http/define-route';
import { runtimeStatus } from '@/lib/server/serving/runtime-status';

// GET /api/v1/runtime — the model cache of this process: loaded sessions, their memory, budget, fit
export const GET = defineRoute({ scope: 'read' }, async () => json(await runtimeStatus()));
