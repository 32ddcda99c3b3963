import { fromFetchRequest } from '@/lib/http/credentials';
import { defineRoute } from '@/lib/http/define-route';
import { exportQuerySchema } from '@/lib/schemas/predictions';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { exportPredictions } from '@/lib/server/serving/export';

// GET /api/v1/models/:name/predictions/export — every logged prediction in range as CSV or Parquet, streamed;
// `read` credentials, or a signed link's `expires` and `sig` (a webhook's export_url) checked by the use case
export const GET = defineRoute({ scope: 'public', params: modelParamsSchema, query: exportQuerySchema }, async ({ params, query, req }) => {
  const out = await exportPredictions(params.name, query, fromFetchRequest(req));
  return new Response(out.body, {
    headers: { 'content-type': out.contentType, 'content-disposition': `attachment; filename="${out.filename}"`, 'cache-control': 'no-store' },
  });
});
