// Request bodies: valid bodies for each route (so the deep code runs), the same bodies with one
// field mutated (wrong type, hostile string, huge number, 10 000-level nesting, NaN text, prototype
// keys), text-level damage (truncated, BOM, UTF-16, garbage appended), random JSON and binary garbage;
// and pairs of one body with its object keys in another order, which must be answered alike.
import fc from 'fast-check';
import { seededRandom } from '../../../lib/random';
import { hostileNumberText, hostileString, longString } from './values';
import type { FuzzModel, World } from './world';

/** What goes on the wire; `huge` is materialized only when sent (it is larger than MAX_BODY_MB). */
export type BodySpec =
  { kind: 'text'; text: string; note: string } | { kind: 'bytes'; bytes: Uint8Array; note: string } | { kind: 'huge'; mb: number; note: string };

/** A JSON value whose `Raw` leaves are spliced in as text (invalid JSON, or nesting too deep to build). */
export class Raw {
  constructor(readonly text: string) {}
}

export function renderJson(value: unknown): string {
  const raws: string[] = [];
  const text =
    JSON.stringify(value, (_k, v: unknown) => {
      if (v instanceof Raw) {
        raws.push(v.text);
        return `\u0000RAW${raws.length - 1}\u0000`;
      }
      return v;
    }) ?? 'null';
  return raws.length ? text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]) : text;
}

const deep = (n: number, open: string, leaf: string, close: string) => open.repeat(n) + leaf + close.repeat(n);

/** Text that is not a plain JSON value, or one that breaks naive recursion or sizing (the big ones are rare). */
export const rawSnippet: fc.Arbitrary<Raw> = fc.oneof(
  {
    arbitrary: fc
      .constantFrom(
        'NaN',
        'Infinity',
        '-Infinity',
        '1e999',
        '-1e999',
        'undefined',
        '0x1F',
        '01',
        '.5',
        '+1',
        "'x'",
        '"\\ud800"',
        '"\\u0000"',
        '"\\x41"',
        'true false',
        '1 2',
        '',
        ',',
      )
      .map((t) => new Raw(t)),
    weight: 8,
  },
  { arbitrary: hostileNumberText.map((t) => new Raw(t)), weight: 6 },
  {
    arbitrary: fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}').map((t) => new Raw(t)),
    weight: 3,
  },
  { arbitrary: fc.constantFrom(100, 1000, 10_000).map((n) => new Raw(deep(n, '[', '1', ']'))), weight: 4 },
  { arbitrary: fc.constantFrom(1000, 10_000).map((n) => new Raw(deep(n, '{"a":', '1', '}'))), weight: 2 },
  { arbitrary: fc.constant(new Raw(deep(10_000, '[{"x":', '[]', '}]'))), weight: 1 },
  { arbitrary: fc.constant(new Raw(deep(100_000, '[', '', ']'))), weight: 1 },
  { arbitrary: fc.constantFrom(10_001, 50_000).map((n) => new Raw(`[${Array.from({ length: n }, () => '[1,2,3,4]').join(',')}]`)), weight: 1 },
  { arbitrary: fc.constant(new Raw(`{${Array.from({ length: 5000 }, (_, i) => `"k${i}":${i}`).join(',')}}`)), weight: 1 },
  { arbitrary: fc.constant(new Raw(`"${'x'.repeat(1_000_000)}"`)), weight: 1 },
);

/** Any JSON value of the wrong kind for a field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -0, 1e308, -1e308, 5e-324, [], {}, [[]], [null], ['']), weight: 3 },
  { arbitrary: rawSnippet, weight: 3 },
);

type Path = (string | number)[];

function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (out.length > 200) return out;
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object' && !(v instanceof Raw)) for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

/** A deep copy that keeps Raw leaves (and own "__proto__" keys) as they are. */
function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object' && !(v instanceof Raw)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: clone(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

/** Roughly how many characters a value renders to (Raw leaves by their text). */
function sizeOf(v: unknown): number {
  if (v instanceof Raw) return v.text.length;
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + sizeOf(x) + 1, 2);
  if (v && typeof v === 'object') return Object.entries(v).reduce<number>((n, [k, x]) => n + k.length + 4 + sizeOf(x), 2);
  return typeof v === 'string' ? v.length + 2 : 8;
}

type Op = { op: 'replace'; value: unknown } | { op: 'delete' } | { op: 'add'; key: string; value: unknown } | { op: 'wrap' } | { op: 'repeat'; times: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: wrongValue.map((value) => ({ op: 'replace' as const, value })), weight: 6 },
  { arbitrary: fc.constant({ op: 'delete' as const }), weight: 2 },
  {
    arbitrary: fc
      .tuple(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'ids', 'params', 'inputs')), wrongValue)
      .map(([key, value]) => ({ op: 'add' as const, key, value })),
    weight: 2,
  },
  { arbitrary: fc.constant({ op: 'wrap' as const }), weight: 1 },
  { arbitrary: fc.constantFrom(2, 100, 20_000).map((times) => ({ op: 'repeat' as const, times })), weight: 1 },
);

/** Applies one structure-aware mutation at the `pick`-th path of the value. */
export function mutate(value: unknown, pick: number, op: Op): unknown {
  const root: { v: unknown } = { v: clone(value) };
  const all = paths(root.v).map((p) => ['v', ...p]);
  const path = all[pick % all.length];
  const parent = path
    .slice(0, -1)
    .reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, root as unknown as Record<string, unknown>);
  const key = path[path.length - 1];
  const here = parent[key];
  switch (op.op) {
    case 'replace':
      parent[key] = op.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'add':
      if (here && typeof here === 'object' && !Array.isArray(here))
        Object.defineProperty(here, op.key, { value: op.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(here)) here.push(op.value);
      else parent[key] = { [op.key]: op.value };
      break;
    case 'wrap':
      parent[key] = [here];
      break;
    case 'repeat':
      // Copies of a big value would make a body far larger than the limits under test.
      if (sizeOf(here) * op.times > 4_000_000) break;
      parent[key] =
        Array.isArray(here) && here.length ? Array.from({ length: op.times }, (_, i) => here[i % here.length]) : Array.from({ length: op.times }, () => here);
      break;
  }
  return root.v;
}

export const mutated = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc
    .tuple(valid, fc.array(fc.tuple(fc.nat(), opArb), { minLength: 1, maxLength: 3 }))
    .map(([v, ops]) => ops.reduce((acc, [pick, op]) => mutate(acc, pick, op), v));

// ---- Key order ----------------------------------------------------------------------------------

/**
 * A copy of `value` whose objects list their keys in a seeded random order. Arrays keep their order
 * (rows and values are ordered), except arrays under a key in `unorderedArrays` (V2's named
 * tensors: `inputs`, `outputs`), which are permuted too. Raw leaves stay as they are.
 */
export function shuffleKeys(value: unknown, seed: number, unorderedArrays: readonly string[] = []): unknown {
  const random = seededRandom(seed);
  const permute = <T>(xs: T[]): T[] => {
    const a = xs.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const walk = (v: unknown, key: string | null): unknown => {
    if (v instanceof Raw) return v;
    if (Array.isArray(v)) {
      const items = v.map((x) => walk(x, null));
      return key !== null && unorderedArrays.includes(key) ? permute(items) : items;
    }
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of permute(Object.entries(v)))
        Object.defineProperty(out, k, { value: walk(x, k), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value, null);
}

/**
 * A body (valid, or valid then mutated) and the same body with its keys shuffled. The property:
 * both get the same answer, or both the same refusal — never two different 200s.
 */
export function keyOrderPairs(
  valid: fc.Arbitrary<unknown>,
  unorderedArrays: readonly string[] = [],
): fc.Arbitrary<{ body: unknown; shuffled: unknown; mutated: boolean }> {
  const body = fc.oneof(
    { arbitrary: valid.map((v) => ({ v, mutated: false })), weight: 3 },
    { arbitrary: mutated(valid).map((v) => ({ v, mutated: true })), weight: 1 },
  );
  return fc.tuple(body, fc.integer()).map(([{ v, mutated: m }, seed]) => ({ body: v, shuffled: shuffleKeys(v, seed, unorderedArrays), mutated: m }));
}

type TextDamage = { how: 'truncate'; f: number } | { how: 'prefix' | 'suffix'; s: string } | { how: 'utf16' } | { how: 'splice'; f: number; b: Uint8Array };

/** Damage at the text level: the JSON no longer parses, or parses as something else. */
const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({ how: 'truncate' as const, f })),
  fc.constantFrom('\ufeff', ' \n\t', 'null', '[', ")]}'\n", '\u0000').map((s) => ({ how: 'prefix' as const, s })),
  fc.constantFrom('}', ']', ',', 'garbage', '\u0000', '{"a":1}', ' // comment', '\n\n').map((s) => ({ how: 'suffix' as const, s })),
  fc.constant({ how: 'utf16' as const }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([f, b]) => ({ how: 'splice' as const, f, b })),
);

export function damageText(text: string, d: TextDamage): BodySpec {
  switch (d.how) {
    case 'truncate':
      return { kind: 'text', text: text.slice(0, Math.floor(text.length * d.f)), note: 'truncated JSON' };
    case 'prefix':
      return { kind: 'text', text: d.s + text, note: `prefixed ${JSON.stringify(d.s)}` };
    case 'suffix':
      return { kind: 'text', text: text + d.s, note: `suffixed ${JSON.stringify(d.s)}` };
    case 'utf16':
      return { kind: 'bytes', bytes: Buffer.from(`\ufeff${text}`, 'utf16le'), note: 'UTF-16LE JSON' };
    case 'splice': {
      const buf = Buffer.from(text);
      const at = Math.floor(buf.length * d.f);
      return { kind: 'bytes', bytes: Buffer.concat([buf.subarray(0, at), Buffer.from(d.b), buf.subarray(at)]), note: 'random bytes spliced in' };
    }
  }
}

/** The body mix around a route's valid bodies (or `{}` for a route the suite knows no body of). */
export function jsonBodies(valid: fc.Arbitrary<unknown>): fc.Arbitrary<BodySpec> {
  const text = (v: unknown, note: string): BodySpec => ({ kind: 'text', text: renderJson(v), note });
  return fc.oneof(
    { arbitrary: valid.map((v) => text(v, 'valid')), weight: 15 },
    { arbitrary: mutated(valid).map((v) => text(v, 'mutated')), weight: 40 },
    { arbitrary: fc.tuple(valid, textDamage).map(([v, d]) => damageText(renderJson(v), d)), weight: 14 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => text(v, 'random JSON')), weight: 12 },
    { arbitrary: rawSnippet.map((r) => ({ kind: 'text' as const, text: r.text, note: 'raw snippet' })), weight: 6 },
    { arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ kind: 'bytes' as const, bytes, note: 'binary garbage' })), weight: 6 },
    {
      arbitrary: fc.constantFrom('', ' ', '\n', '\u0000', '{}', '[]', 'null', '""', '0').map((t) => ({ kind: 'text' as const, text: t, note: 'tiny' })),
      weight: 6,
    },
    { arbitrary: fc.constant({ kind: 'huge' as const, mb: 17, note: 'larger than MAX_BODY_MB' }), weight: 1 },
  );
}

// ---- Valid bodies per route -------------------------------------------------------------------

const TASK_ARB = fc.constantFrom('regression', 'binary_classification', 'multiclass_classification');
const text = fc.oneof(
  fc.string({ maxLength: 50 }),
  hostileString.filter((s) => s.length <= 10_000),
);
const labels = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 5 });
const isoTime = fc.date({ min: new Date('2024-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());

/** Valid bodies for the route `METHOD template`, given the model the path names (if any); null when the route takes no body. */
export function validBody(key: string, world: World, model: FuzzModel | null, createNames: string[]): fc.Arbitrary<unknown> | null {
  const m = model ?? world.models[0];
  const actual = fc.constantFrom(...m.actuals);
  switch (key) {
    case 'POST /api/v1/models':
      return fc.record({ name: fc.constantFrom(...createNames), task: TASK_ARB, description: text, labels }, { requiredKeys: ['name', 'task'] });
    case 'PATCH /api/v1/models/[name]':
      return fc.record({ description: text, labels: fc.option(labels, { nil: null }) }, { requiredKeys: [] });
    case 'PUT /api/v1/models/[name]/aliases/[alias]':
      return fc.oneof(
        fc.record({ version: fc.constantFrom(1, 2, 3) }),
        fc.record({
          versions: fc.uniqueArray(fc.record({ version: fc.constantFrom(1, 2), weight: fc.integer({ min: 1, max: 100 }) }), {
            minLength: 1,
            maxLength: 2,
            selector: (v) => v.version,
          }),
        }),
      );
    case 'PUT /api/v1/models/[name]/shadow':
      return fc.record({ versions: fc.uniqueArray(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 2 }) });
    case 'PUT /api/v1/models/[name]/policy':
      return fc.record(
        {
          metric: fc.constantFrom('accuracy', 'rmse'),
          tolerance: fc.double({ min: 0, max: 10, noNaN: true }),
          floor: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
          min_labeled: fc.integer({ min: 1, max: 1000 }),
          drift_share: fc.double({ min: 0.01, max: 1, noNaN: true }),
          consecutive: fc.integer({ min: 1, max: 100 }),
        },
        { requiredKeys: [] },
      );
    case 'PATCH /api/v1/models/[name]/versions/[n]':
      return fc.record({ description: text, archived: fc.boolean() }, { requiredKeys: [] });
    case 'POST /api/v1/models/[name]/versions/[n]/predictions/import':
      return fc.record({
        records: fc.array(
          fc.record(
            {
              ts: fc.oneof(isoTime, fc.integer({ min: 0, max: 2 ** 42 })),
              inputs: fc.constant(m.importInputs),
              prediction: fc.constantFrom(...m.actuals.filter((a) => typeof a !== 'boolean')),
              actual,
              id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.integer()),
            },
            { requiredKeys: ['ts', 'inputs'] },
          ),
          { minLength: 1, maxLength: 5 },
        ),
      });
    case 'POST /api/v1/outcomes':
      return fc.record({
        outcomes: fc.array(
          fc.oneof(
            fc.record(
              { prediction_id: fc.constantFrom(...world.predictionIds), actual, ts: fc.oneof(isoTime, fc.integer({ min: 0, max: 2 ** 42 })) },
              { requiredKeys: ['prediction_id', 'actual'] },
            ),
            fc.record({ model: fc.constant(m.name), id: fc.constantFrom(...world.clientIds), actual }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
      });
    case 'POST /api/v1/keys':
      return fc.record(
        {
          name: text,
          scopes: fc.uniqueArray(fc.constantFrom('read', 'predict', 'admin'), { minLength: 1, maxLength: 3 }),
          rate_limit: fc.option(fc.double({ min: 0.1, max: 1000, noNaN: true }), { nil: null }),
        },
        { requiredKeys: ['name', 'scopes'] },
      );
    case 'POST /api/v1/session':
    case 'POST /api/v1/setup':
      // Never the admin's password: the fuzzer must not sign anyone in by chance.
      return fc.record({ username: fc.constantFrom('admin', 'root', 'fz-user'), password: fc.string({ minLength: 1, maxLength: 40 }) });
    case 'POST /api/v1/models/[name]/predict':
    case 'POST /api/v1/models/[name]/aliases/[alias]/predict':
    case 'POST /api/v1/models/[name]/versions/[n]/predict':
      return fc.constantFrom(...m.predictBodies);
    case 'POST /v2/models/[name]/infer':
    case 'POST /v2/models/[name]/versions/[n]/infer':
      return fc.constant(m.v2Body);
    default:
      return null;
  }
}
