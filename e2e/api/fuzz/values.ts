// Hostile scalar values: strings for names, path segments, query strings and JSON fields, and the
// ways to put them on the wire (percent-encoded, raw, overlong UTF-8, double-encoded).
import fc from 'fast-check';

/** Every traversal payload names its target with this marker, so a stray file can be searched for. */
export const MARK = 'pwn-fuzz';

export const TRAVERSALS = [
  '../',
  '..%2f',
  '..%2F',
  '%2e%2e%2f',
  '%2e%2e/',
  '..%5c',
  '..\\',
  '%2e%2e%5c',
  '%c0%ae%c0%ae%c0%af',
  '%e0%80%ae%e0%80%ae/',
  '%252e%252e%252f',
  '....//',
  '..;/',
  '.%2e/',
  '%2e./',
  '..%00/',
  '%uff0e%uff0e/',
];

const SPECIAL_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '/',
  '\\',
  '%',
  '%%',
  '%zz',
  '%0',
  '%00',
  '\u0000',
  'a\u0000b',
  '\r\n',
  '\t',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧‍👦',
  'é',
  'e\u0301',
  'Ω≈ç√',
  '中文',
  'Ａ',
  'İ',
  'ß',
  '\u0085',
  '\u2028',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '00',
  '-1',
  '2147483648',
  '9007199254740993',
  'true',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  "' OR 1=1 --",
  '"; DROP TABLE models; --',
  '`id`',
  '$(id)',
  '%s%n%x',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'production',
  'staging',
  'latest',
  'CON',
  'NUL',
  'aux.onnx',
  '.git',
  '.env',
  'modeldock.sqlite',
  '~',
  '*',
  '?',
  '#',
  '&',
  '=',
];

export const traversalString = fc
  .tuple(fc.constantFrom(...TRAVERSALS), fc.integer({ min: 1, max: 12 }), fc.constantFrom(`tmp/${MARK}.onnx`, 'etc/passwd', `${MARK}`, '', 'modeldock.sqlite'))
  .map(([t, n, tail]) => t.repeat(n) + tail);

/**
 * Long strings: 10 000-character ASCII segments (a request line must stay under node's 16 KB header
 * limit to reach the app at all), and shorter runs of multi-byte characters.
 */
export const longString = fc
  .oneof(
    fc.tuple(fc.constantFrom(256, 1000, 4096, 10_000), fc.constantFrom('a', '0', '-', '.', '../')),
    fc.tuple(fc.constantFrom(256, 1000), fc.constantFrom('é', '😀', '\u0000', '中')),
  )
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));

/** Short hostile text: printable, full unicode with lone surrogates, special words, traversal. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 4 },
  { arbitrary: traversalString, weight: 2 },
);

/** A number as JSON text, including ones JSON.parse rounds (huge ints, 1e999 → Infinity is refused by JSON but -1e308 is not). */
export const hostileNumberText = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '1e308',
    '-1e308',
    '1e-400',
    '123456789012345678901234567890',
    '9007199254740993',
    '2147483648',
    '-2147483649',
    '0.1',
    '1.5',
    '1E2',
    '4294967296',
  ),
  fc
    .double()
    .filter(Number.isFinite)
    .map((d) => JSON.stringify(d)),
  fc.integer().map(String),
);

function bytesToPct(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

/** Percent-encodes what node's client would refuse in a request line, keeps the rest (/, \, %, ., ?, #) raw. */
export function rawSegment(s: string): string {
  let out = '';
  for (const ch of s) out += /^[\x21-\x7e]$/.test(ch) ? ch : bytesToPct(ch);
  return out;
}

export type Encoding = 'component' | 'raw' | 'double' | 'overlong';

export function encodeSegment(s: string, how: Encoding): string {
  switch (how) {
    case 'component':
      // Lone surrogates make encodeURIComponent throw; Buffer encodes them as U+FFFD.
      try {
        return encodeURIComponent(s);
      } catch {
        return bytesToPct(s);
      }
    case 'raw':
      return rawSegment(s);
    case 'double':
      return encodeSegment(encodeSegment(s, 'component'), 'component');
    case 'overlong':
      // Two-byte overlong forms of ASCII (C0/C1 lead bytes), which a strict UTF-8 decoder must refuse.
      return [...s]
        .map((ch) => {
          const c = ch.codePointAt(0)!;
          return c < 0x80 ? `%${(0xc0 | (c >> 6)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}` : encodeSegment(ch, 'component');
        })
        .join('');
  }
}

export const encoding: fc.Arbitrary<Encoding> = fc.constantFrom<Encoding>('component', 'component', 'component', 'raw', 'raw', 'double', 'overlong');
