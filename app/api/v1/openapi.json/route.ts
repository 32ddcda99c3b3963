import { defineRoute, json } from '@/lib/http/define-route';
import { openApiDocument } from '@/lib/http/openapi';

let doc: Record<string, unknown> | null = null;

// GET /api/v1/openapi.json — the OpenAPI 3.1 document of the API (public: it holds no data)
export const GET = defineRoute({ scope: 'public' }, async () => json((doc ??= openApiDocument())));
