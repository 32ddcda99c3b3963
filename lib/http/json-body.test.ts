// Reading JSON bodies: a client that stops sending mid-body gets a 400, not a logged 500 (found by
// the fuzz suite's raw-socket cases: Content-Length larger than the body, then a closed socket).
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { parseJsonText, readTextLimited } from './json-body';

function aborted(): Request {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"outcomes": ['));
      c.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    },
  });
  return new Request('http://x/api/v1/outcomes', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('readTextLimited', () => {
  it('returns the body', async () => {
    expect(await readTextLimited(new Request('http://x', { method: 'POST', body: '{"a":1}' }).body, 1)).toBe('{"a":1}');
  });

  it('turns an interrupted body into invalid_input (400) naming the body', async () => {
    const err = await readTextLimited(aborted().body, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).errors.map((e) => e.path)).toEqual(['body']);
  });
});

describe('parseJsonText', () => {
  it('parses 100 000 levels of nesting or refuses it with a 400, never a RangeError', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    let result: unknown;
    try {
      result = parseJsonText(deep);
    } catch (err) {
      result = err;
    }
    if (result instanceof Error) expect(result).toBeInstanceOf(AppError);
  });
});

/** The refusal's status and paths, or null when the text parses. */
const refusal = (text: string) => {
  try {
    parseJsonText(text);
    return null;
  } catch (err) {
    return { status: (err as AppError).status, paths: (err as AppError).errors.map((e) => e.path) };
  }
};

describe('NUL in text', () => {
  it('refuses U+0000 in any string or key, naming the first (PostgreSQL text and jsonb cannot hold it)', () => {
    expect(refusal('{"a": {"b": ["x", "y\\u0000"]}}')).toEqual({ status: 400, paths: ['a.b[1]'] });
    expect(refusal('{"outcomes": [{"id": "\\u0000"}]}')).toEqual({ status: 400, paths: ['outcomes[0].id'] });
    expect(refusal('"\\u0000"')).toEqual({ status: 400, paths: ['body'] });
    expect(refusal('[{"k\\u0000": 1}]')).toEqual({ status: 400, paths: ['[0].k\\u0000'] });
  });

  it('keeps the text "\\u0000" written with an escaped backslash, and U+0001', () => {
    expect(parseJsonText('{"a": "\\\\u0000"}')).toEqual({ a: '\\u0000' });
    expect(parseJsonText('{"a": "\\u0001"}')).toEqual({ a: '\u0001' });
  });
});

describe('text no column can hold', () => {
  const paths = (text: string) => {
    const r = refusal(text);
    return r && r.paths.map((p) => `${r.status} ${p}`);
  };

  it('walks a value nested deeper than the call stack (a 400, not a stack overflow)', () => {
    const deep = '['.repeat(20_000) + '"\\u0000"' + ']'.repeat(20_000);
    expect(paths(deep)![0]).toMatch(/^400 (\[0\]){20000}$/);
    expect(parseJsonText('['.repeat(20_000) + '"ok"' + ']'.repeat(20_000))).toBeDefined();
  });

  it('refuses a lone surrogate, keeps a pair', () => {
    expect(paths('{"reason": "\\ud800"}')).toEqual(['400 reason']);
    expect(paths('{"labels": ["a", "x\\udc00"]}')).toEqual(['400 labels[1]']);
    expect(parseJsonText('{"reason": "\\ud83d\\ude00"}')).toEqual({ reason: '😀' });
  });
});
