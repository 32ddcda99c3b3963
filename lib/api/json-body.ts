// Reading a JSON request body the same way on every route (Next handlers and the fast path).
import { AppError } from '../errors';

/** JSON is read whatever the declared type (curl -d sends form-urlencoded); only types that cannot carry JSON text are refused. */
export function checkJsonContentType(type: string | null | undefined): void {
  if (type && /^(multipart\/|image\/|audio\/|video\/|application\/octet-stream)/i.test(type)) {
    throw new AppError('unsupported_media_type', `content-type: expected application/json, got "${type}"`);
  }
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new AppError('invalid_input', 'body: required (JSON)', [{ path: 'body', message: 'required' }]);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_input', `body: malformed JSON (${(err as Error).message})`, [{ path: 'body', message: 'malformed JSON' }]);
  }
}

export function tooLarge(limitMb: number): AppError {
  return new AppError('payload_too_large', `body: larger than ${limitMb} MB (MAX_BODY_MB)`, [{ path: 'body', message: 'too large' }]);
}

/** The request's body as text; a body the client stopped sending (aborted, reset) is its fault, not ours. */
export async function readBodyText(req: Request): Promise<string> {
  try {
    return await req.text();
  } catch {
    throw new AppError('invalid_input', 'body: the request was interrupted before its body was complete', [{ path: 'body', message: 'interrupted' }]);
  }
}
