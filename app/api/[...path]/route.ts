import { problemResponse } from '@/lib/http/problem';
import { AppError } from '@/lib/errors';

// Any unknown /api path answers problem+json 404 rather than an HTML page.
async function notFound(req: Request): Promise<Response> {
  return problemResponse(new AppError('not_found', `path: no API route ${req.method} ${new URL(req.url).pathname}`));
}
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
