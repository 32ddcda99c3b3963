// The one application error: a closed set of codes, each mapped to one HTTP status.

export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  model_not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;

  /**
   * An AppError of this or of the process's other module graph: Next.js bundles its own copy of
   * lib/, and the server entry's copy throws from the objects on the runtime (a session that cannot
   * load), so `instanceof` alone would answer those as internal errors. Recognised by name and code.
   */
  static is(err: unknown): err is AppError {
    if (err instanceof AppError) return true;
    if (!(err instanceof Error) || err.name !== 'AppError') return false;
    const e = err as Partial<AppError>;
    return typeof e.code === 'string' && e.code in ERROR_STATUS && Array.isArray(e.errors) && typeof e.headers === 'object';
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldError[] = [],
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

/** An error about one field: the message names it, and `errors` carries its path. */
export function fieldError(code: ErrorCode, path: string, message: string): AppError {
  return new AppError(code, `${path}: ${message}`, [{ path, message }]);
}

/**
 * The one "not found": `path: detail`, with the field's path in `errors` (its message "not found",
 * or e.g. "not set" for an alias a model does not have).
 */
export function notFound(path: string, detail: string, short = 'not found'): AppError {
  return new AppError('not_found', `${path}: ${detail}`, [{ path, message: short }]);
}

/** A field path as API.md writes it: inputs[3].age (indices in brackets, names after dots). */
export function formatPath(parts: readonly PropertyKey[]): string {
  return parts.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

const NUL_MESSAGE = 'contains the NUL character (\\u0000), which text may not hold';

/**
 * Refuses a parsed JSON value holding U+0000 in any string or key, naming the first one (400):
 * no text column can keep it on PostgreSQL (nor jsonb), and no name, label or id needs it, so both
 * engines refuse it alike.
 */
export function refuseNul(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw nulError(path || 'body');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) refuseNul(value[i], `${path}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) throw nulError(path ? `${path}.${JSON.stringify(k).slice(1, -1)}` : JSON.stringify(k).slice(1, -1));
      refuseNul(v, at);
    }
  }
}

function nulError(path: string): AppError {
  return new AppError('invalid_input', `${path}: ${NUL_MESSAGE}`, [{ path, message: NUL_MESSAGE }]);
}
