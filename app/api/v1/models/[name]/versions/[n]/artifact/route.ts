import { defineRoute } from '@/lib/http/define-route';
import { versionParamsSchema } from '@/lib/schemas/registry';
import { readVersionArtifact } from '@/lib/server/registry/versions';

// GET /api/v1/models/:name/versions/:n/artifact — the .onnx bytes (verified against their hash)
export const GET = defineRoute({ scope: 'read', params: versionParamsSchema }, async ({ params }) => {
  const { bytes, filename } = await readVersionArtifact(params.name, params.n);
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
});
