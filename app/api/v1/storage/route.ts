import { defineRoute, json } from '@/lib/http/define-route';
import { storageStatus } from '@/lib/server/operations/storage';

// GET /api/v1/storage — database size, what the prediction log holds, growth per day, the retention in force
export const GET = defineRoute({ scope: 'admin' }, async () => json(await storageStatus()));
