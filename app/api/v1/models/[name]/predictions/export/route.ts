import { defineRoute } from '@/lib/http/define-route';
import { exportQuerySchema } from '@/lib/schemas/predictions';
import { modelParamsSchema } from '@/lib/schemas/registry';
import { exportPredictions } from '@/lib/server/serving/export';

// GET /api/v1/models/:name/predictions/export — every logged prediction in range as CSV or Parquet, streamed
export const GET = defineRoute({ scope: 'read', params: modelParamsSchema, query: exportQuerySchema }, async ({ params, query }) => {
  const out = await exportPredictions(params.name, query);
  return new Response(out.body, {
    headers: { 'content-type': out.contentType, 'content-disposition': `attachment; filename="${out.filename}"`, 'cache-control': 'no-store' },
  });
});
