import { defineRoute, json } from '@/lib/http/define-route';
import { updateVersionSchema, versionParamsSchema } from '@/lib/schemas/registry';
import { getVersion, updateVersion } from '@/lib/server/registry/versions';

// GET /api/v1/models/:name/versions/:n — one version
export const GET = defineRoute({ scope: 'read', params: versionParamsSchema }, async ({ params }) => {
  return json({ version: await getVersion(params.name, params.n) });
});

// PATCH /api/v1/models/:name/versions/:n — edit the description, archive or restore
export const PATCH = defineRoute({ scope: 'admin', params: versionParamsSchema, body: updateVersionSchema }, async ({ params, body, actor }) => {
  return json({ version: await updateVersion(params.name, params.n, body, actor) });
});
