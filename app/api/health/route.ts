import { json } from '@/lib/http/define-route';
import { checkHealth } from '@/lib/server/operations/health';

// GET /api/health — 200 {status: "ok"}, 503 when the database is unusable
export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return json(health, health.status === 'ok' ? 200 : 503);
}
