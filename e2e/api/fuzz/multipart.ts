// multipart/form-data uploads for the versions route: valid uploads, random parts, filenames with
// traversal, random bytes or a truncated fixture as the model, broken framing (no boundary, wrong
// boundary, no closing delimiter, bare LF), damaged metadata and reference samples.
import fc from 'fast-check';
import { jsonBodies, renderJson } from './bodies';
import { MARK, hostileString, longString, traversalString } from './values';
import type { World } from './world';

export interface MultipartSpec {
  body: Buffer;
  contentType: string;
  note: string;
}

interface Part {
  name: string;
  filename: string | null;
  type: string | null;
  content: Buffer;
  extraHeader: string | null;
}

const FILENAMES = [
  'model.onnx',
  `../../../../tmp/${MARK}.onnx`,
  `..\\..\\..\\..\\tmp\\${MARK}.onnx`,
  `/tmp/${MARK}.onnx`,
  `%2e%2e%2f%2e%2e%2ftmp%2f${MARK}.onnx`,
  `....//....//${MARK}.onnx`,
  `${MARK}\u0000.onnx`,
  `${MARK}.onnx\u0000.txt`,
  '',
  '.',
  '..',
  '/',
  'CON',
  'a'.repeat(10_000) + '.onnx',
  '😀.onnx',
  'mödel.onnx',
  `..%c0%af..%c0%af${MARK}.onnx`,
  '"quoted".onnx',
  'a;b=c.onnx',
  'line\r\nbreak.onnx',
];

const filename = fc.oneof(
  { arbitrary: fc.constantFrom(...FILENAMES), weight: 6 },
  { arbitrary: traversalString.map((t) => `${t}/${MARK}.onnx`), weight: 2 },
  { arbitrary: hostileString, weight: 2 },
  { arbitrary: longString, weight: 1 },
);

const metadataValid = fc.record(
  {
    description: fc.string({ maxLength: 40 }),
    feature_names: fc.constantFrom(['a', 'b', 'c'], ['x']),
    metrics: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 3 }),
    source: fc.string({ maxLength: 40 }),
    output: fc.record(
      { positive_class: fc.string({ minLength: 1, maxLength: 5 }), threshold: fc.double({ min: 0.01, max: 0.99, noNaN: true }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const csv = fc.oneof(
  fc.constant('a,b,c\n1,2,3\n4,5,6\n'),
  fc
    .array(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.double().map(String)), { minLength: 1, maxLength: 4 }), { maxLength: 6 })
    .map((rows) => rows.map((r) => r.join(',')).join('\n')),
  fc.constantFrom(
    '',
    '\n\n',
    'a,a,a\n1,2,3',
    '"unterminated\n1',
    'a\n' + '1\n'.repeat(100_000),
    `${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(4999)}1`,
    '[{"a":1}]',
    '[' + '['.repeat(10_000) + ']'.repeat(10_000) + ']',
  ),
);

function content(world: World): fc.Arbitrary<Buffer> {
  const onnx = Object.values(world.fixtures);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...onnx), weight: 5 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...onnx), fc.double({ min: 0, max: 1, noNaN: true })).map(([b, f]) => b.subarray(0, Math.floor(b.length * f))),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(fc.constantFrom(...onnx), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, x]) => {
        const c = Buffer.from(b);
        if (c.length) c[i % c.length] ^= x;
        return c;
      }),
      weight: 2,
    },
    { arbitrary: fc.uint8Array({ maxLength: 4096 }).map((u) => Buffer.from(u)), weight: 2 },
    { arbitrary: metadataValid.map((m) => Buffer.from(JSON.stringify(m))), weight: 3 },
    {
      arbitrary: jsonBodies(metadataValid).map((b) =>
        b.kind === 'text' ? Buffer.from(b.text) : b.kind === 'bytes' ? Buffer.from(b.bytes) : Buffer.from('{}'),
      ),
      weight: 3,
    },
    { arbitrary: csv.map((s) => Buffer.from(s)), weight: 2 },
  );
}

function part(world: World): fc.Arbitrary<Part> {
  return fc.record({
    name: fc.oneof({ arbitrary: fc.constantFrom('file', 'metadata', 'reference'), weight: 6 }, { arbitrary: hostileString, weight: 1 }),
    filename: fc.option(filename, { nil: null, freq: 3 }),
    type: fc.option(fc.constantFrom('application/octet-stream', 'text/csv', 'application/json', 'text/plain; charset=utf-16', 'x/y', ''), { nil: null }),
    content: content(world),
    extraHeader: fc.option(
      fc.constantFrom('Content-Transfer-Encoding: base64', 'Content-Disposition: form-data; name="file"', `X-${'a'.repeat(9000)}: b`, 'no colon here'),
      { nil: null, freq: 8 },
    ),
  });
}

/** A valid upload: a fixture as `file`, maybe metadata and a reference sample. */
function validParts(world: World): fc.Arbitrary<Part[]> {
  return fc
    .tuple(
      fc.constantFrom(...['regressor.onnx', 'logits-binary.onnx', 'skl-zipmap.onnx'].map((f) => world.fixtures[f])),
      fc.option(metadataValid),
      fc.option(csv),
      filename,
    )
    .map(([file, meta, ref, fname]) => {
      const parts: Part[] = [{ name: 'file', filename: fname, type: 'application/octet-stream', content: file, extraHeader: null }];
      if (meta) parts.push({ name: 'metadata', filename: null, type: null, content: Buffer.from(renderJson(meta)), extraHeader: null });
      if (ref !== null) parts.push({ name: 'reference', filename: 'reference.csv', type: 'text/csv', content: Buffer.from(ref), extraHeader: null });
      return parts;
    });
}

type Framing =
  'ok' | 'no-closing' | 'lf-only' | 'wrong-boundary' | 'no-boundary-param' | 'quoted-boundary' | 'preamble' | 'truncated' | 'long-boundary' | 'not-multipart';

function escapeName(s: string): string {
  // Headers are latin1 on the wire; quotes and CR/LF go through as they are (the parser must cope).
  return Buffer.from(s, 'utf8').toString('latin1');
}

export function encodeMultipart(parts: Part[], framing: Framing, boundarySeed: number): MultipartSpec {
  const boundary = framing === 'long-boundary' ? 'b'.repeat(200) : `----fuzz${boundarySeed.toString(36)}`;
  const nl = framing === 'lf-only' ? '\n' : '\r\n';
  const chunks: Buffer[] = [];
  if (framing === 'preamble') chunks.push(Buffer.from(`preamble text${nl}`));
  for (const p of parts) {
    let head = `--${boundary}${nl}Content-Disposition: form-data; name="${escapeName(p.name)}"`;
    if (p.filename !== null) head += `; filename="${escapeName(p.filename)}"`;
    head += nl;
    if (p.type !== null) head += `Content-Type: ${p.type}${nl}`;
    if (p.extraHeader !== null) head += `${p.extraHeader}${nl}`;
    chunks.push(Buffer.from(head + nl, 'latin1'), p.content, Buffer.from(nl));
  }
  if (framing !== 'no-closing') chunks.push(Buffer.from(`--${boundary}--${nl}`));
  let body = Buffer.concat(chunks);
  if (framing === 'truncated') body = body.subarray(0, Math.floor(body.length / 2));
  const contentType =
    framing === 'no-boundary-param'
      ? 'multipart/form-data'
      : framing === 'wrong-boundary'
        ? `multipart/form-data; boundary=${boundary}x`
        : framing === 'quoted-boundary'
          ? `multipart/form-data; boundary="${boundary}"`
          : framing === 'not-multipart'
            ? 'application/json'
            : `multipart/form-data; boundary=${boundary}`;
  return {
    body,
    contentType,
    note: `multipart ${framing}: ${parts.map((p) => `${p.name.slice(0, 20)}${p.filename !== null ? `(${p.filename.slice(0, 40)})` : ''}`).join(', ')}`,
  };
}

const framingArb = fc.oneof(
  { arbitrary: fc.constant<Framing>('ok'), weight: 12 },
  {
    arbitrary: fc.constantFrom<Framing>(
      'no-closing',
      'lf-only',
      'wrong-boundary',
      'no-boundary-param',
      'quoted-boundary',
      'preamble',
      'truncated',
      'long-boundary',
      'not-multipart',
    ),
    weight: 6,
  },
);

export function multipartBodies(world: World): fc.Arbitrary<MultipartSpec> {
  return fc
    .tuple(fc.oneof({ arbitrary: validParts(world), weight: 2 }, { arbitrary: fc.array(part(world), { maxLength: 5 }), weight: 3 }), framingArb, fc.nat())
    .map(([parts, framing, seed]) => encodeMultipart(parts, framing, seed));
}
