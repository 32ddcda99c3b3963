import { defineRoute, json } from '@/lib/http/define-route';
import { parseMultipart } from '@/lib/http/multipart';
import { modelDetailQuerySchema, modelParamsSchema } from '@/lib/schemas/registry';
import { getModelDetail } from '@/lib/server/registry/models';
import { uploadVersion } from '@/lib/server/registry/upload-version';

// GET /api/v1/models/:name/versions — the model's versions (archived ones with include_archived=true)
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: modelDetailQuerySchema }, async ({ params, query }) => {
  const detail = await getModelDetail(params.name, { includeArchived: query.include_archived });
  return json({ versions: detail.versions });
});

// POST /api/v1/models/:name/versions — upload a version (multipart: file, metadata, reference)
export const POST = defineRoute({ scope: 'admin', params: modelParamsSchema }, async ({ params, req, actor }) => {
  return json({ version: await uploadVersion(params.name, (limits) => parseMultipart(req, limits), actor) }, 201);
});
