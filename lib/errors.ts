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
  /** The database is locked by another connection for longer than the busy timeout. */
  unavailable: 503,
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
const SURROGATE_MESSAGE = 'contains a lone UTF-16 surrogate (\\ud800–\\udfff unpaired), which is not text';
/** A surrogate half without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes a string unstorable as text (PostgreSQL's text and jsonb refuse both), or null. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(s)) return SURROGATE_MESSAGE;
  return null;
}

/** Whether JSON text may hold a string badText refuses: only an escape can put NUL or a lone surrogate there. */
export function mayHoldBadText(json: string): boolean {
  return json.includes('\\u') && /\\u(0000|[dD][89a-fA-F])/.test(json);
}

/**
 * Refuses a parsed JSON value holding U+0000 or a lone surrogate in any string or key, naming the
 * first one (400): no text column can keep them on PostgreSQL (nor jsonb), and no name, label or id
 * needs them, so both engines refuse them alike. Iterative: a value nested deeper than the call stack
 * (JSON.parse takes it) is walked all the same.
 */
export function refuseNul(value: unknown, path = ''): void {
  // Each entry: a value and how to name it (its parent's entry and its key or index).
  type Entry = { value: unknown; parent: Entry | null; key: string | number | null };
  const named = (e: Entry): string => {
    const parts: (string | number)[] = [];
    for (let at: Entry | null = e; at && at.key !== null; at = at.parent) parts.push(at.key);
    return parts.reverse().reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), path) || 'body';
  };
  const stack: Entry[] = [{ value, parent: null, key: null }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const v = e.value;
    if (typeof v === 'string') {
      const why = badText(v);
      if (why) throw badTextError(named(e), why);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: e, key: i });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i];
        const why = badText(k);
        if (why) throw badTextError(named({ value: k, parent: e, key: JSON.stringify(k).slice(1, -1) }), why);
        stack.push({ value: child, parent: e, key: k });
      }
    }
  }
}

/** Refuses query-string values that are not storable text (400 naming the parameter). */
export function refuseBadQuery(params: Record<string, string>): void {
  for (const [k, v] of Object.entries(params)) {
    const why = badText(k) ?? badText(v);
    if (why) throw badTextError(JSON.stringify(k).slice(1, -1), why);
  }
}

function badTextError(path: string, message: string): AppError {
  return new AppError('invalid_input', `${path}: ${message}`, [{ path, message }]);
}
