// Errors on the wire: RFC 9457 problem+json for /api, {"error"} for the Open Inference Protocol.
import { AppError, type FieldError } from '../errors';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldError[];
}

/** Turns anything thrown into an AppError; unexpected errors are logged once, answered generically. */
export function toAppError(err: unknown): AppError {
  if (AppError.is(err)) return err;
  console.error('[modeldock] unexpected error', err);
  return new AppError('internal', 'an internal error occurred; it has been logged');
}

export function problemBody(err: AppError): Problem {
  return {
    type: `https://modeldock.dev/problems/${err.code}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    code: err.code,
    errors: err.errors,
  };
}

export function problemResponse(err: unknown): Response {
  const app = toAppError(err);
  return new Response(JSON.stringify(problemBody(app)), {
    status: app.status,
    headers: { ...app.headers, 'content-type': 'application/problem+json' },
  });
}
