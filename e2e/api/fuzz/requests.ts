// Whole requests: a route of the table (or a path not in it), a verb, path parameters, a query
// string, headers, credentials and a body, each drawn from the generators of this folder.
import fc from 'fast-check';
import { jsonBodies, validBody, type BodySpec } from './bodies';
import { multipartBodies } from './multipart';
import type { RouteSpec } from './routes';
import { encodeSegment, encoding, hostileString, longString, traversalString } from './values';
import type { FuzzModel, World } from './world';

export type Auth = 'default' | 'none' | 'garbage';

export interface FuzzRequest {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: BodySpec | null;
  auth: Auth;
  garbageAuth?: string;
}

const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Header values node's client accepts (latin1 without CR/LF/NUL); the raw-socket part sends the rest. */
export function headerSafe(s: string): string {
  return Buffer.from(s, 'utf8')
    .toString('latin1')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '?');
}

function paramValue(kind: string, world: World, method: string, template: string): fc.Arbitrary<{ value: string; model: FuzzModel | null }> {
  const plain = (a: fc.Arbitrary<string>) => a.map((value) => ({ value, model: null }));
  const hostile = fc.oneof({ arbitrary: hostileString, weight: 4 }, { arbitrary: traversalString, weight: 2 }, { arbitrary: longString, weight: 1 });
  switch (kind) {
    case 'name': {
      // Deleting the main models would starve the rest of the run: DELETE gets its own victims.
      const deletesModel = method === 'DELETE' && template === '/api/v1/models/[name]';
      const real = deletesModel
        ? fc.constantFrom(...world.victims).map((value) => ({ value, model: null }))
        : fc.constantFrom(...world.models).map((m) => ({ value: m.name, model: m }));
      return fc.oneof(
        { arbitrary: real, weight: 12 },
        { arbitrary: plain(fc.constantFrom('fz-missing', 'a', 'x'.repeat(64), 'x'.repeat(65), 'Upper', '-lead', '.hidden')), weight: 1 },
        { arbitrary: plain(hostile), weight: 4 },
      );
    }
    case 'n':
      return fc.oneof(
        { arbitrary: plain(fc.constantFrom('1', '2', '3', '1', '2')), weight: 10 },
        {
          arbitrary: plain(
            fc.constantFrom('0', '-1', '01', '1.0', '1e0', '0x1', ' 1', '1 ', '2147483648', '2147483647', '9007199254740993', '1e308', 'Infinity', 'NaN', ''),
          ),
          weight: 3,
        },
        { arbitrary: plain(hostile), weight: 2 },
      );
    case 'alias':
      return fc.oneof(
        { arbitrary: plain(fc.constantFrom('production', 'staging', 'production', 'canary', 'fz-alias')), weight: 10 },
        { arbitrary: plain(fc.constantFrom('Production', '-x', 'x'.repeat(63), 'x'.repeat(64), 'a_b', 'a.b')), weight: 2 },
        { arbitrary: plain(hostile), weight: 3 },
      );
    case 'id':
      if (template.includes('/keys/')) {
        return fc.oneof(
          { arbitrary: plain(fc.constantFrom(...world.keyIds.map(String), '0', '-1', '1e3', '2147483648', '9999')), weight: 6 },
          { arbitrary: plain(hostile), weight: 3 },
        );
      }
      return fc.oneof(
        { arbitrary: plain(fc.constantFrom(...world.predictionIds)), weight: 6 },
        { arbitrary: plain(fc.string({ unit: fc.constantFrom(...ULID_ALPHABET), minLength: 26, maxLength: 30 })), weight: 3 },
        { arbitrary: plain(hostile), weight: 3 },
      );
    default:
      // New parameter kinds (added after this suite): real model names and hostile text.
      return fc.oneof(
        { arbitrary: plain(fc.constantFrom(...world.models.map((m) => m.name), 'production', '1')), weight: 2 },
        { arbitrary: plain(hostile), weight: 3 },
      );
  }
}

const QUERY_KEYS = ['limit', 'cursor', 'version', 'alias', 'from', 'to', 'bucket', 'include_archived', 'ids', 'a', 'b', 'page', '__proto__', 'constructor'];
const QUERY_VALUES = [
  '1',
  '0',
  '-1',
  '200',
  '201',
  '1e3',
  'true',
  'false',
  'day',
  'hour',
  'week',
  '2024-01-01T00:00:00Z',
  '2024-13-45T99:99:99Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  'production',
  '',
];

const randomQuery: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 4 },
  {
    arbitrary: fc
      .tuple(
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileString), fc.oneof(fc.constantFrom(...QUERY_VALUES), hostileString), encoding), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.boolean(),
      )
      .map(([pairs, repeat]) => {
        const all = repeat ? [...pairs, ...pairs] : pairs;
        return `?${all.map(([k, v, how]) => `${encodeSegment(k, how)}=${encodeSegment(v, how)}`).join('&')}`;
      }),
    weight: 5,
  },
  {
    arbitrary: fc.constantFrom(
      '?',
      '??',
      '?&&&',
      '?=',
      '?a',
      '?a=1&a=2&a=3',
      `?ids=${'A'.repeat(29)},`.repeat(1),
      `?x=${'y'.repeat(12_000)}`,
      `?${'k=v&'.repeat(2000)}`,
      '?%',
      '?%zz=1',
      '?limit=%00',
    ),
    weight: 1,
  },
);

/** Queries a route takes, with valid values (so its handler runs past validation), now and then damaged. */
function validQuery(template: string, world: World): fc.Arbitrary<string> | null {
  const enc = (pairs: [string, string][]) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
  const iso = fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  const opt = <T>(key: string, a: fc.Arbitrary<T>) =>
    fc.option(
      a.map((v) => [key, String(v)] as [string, string]),
      { nil: null },
    );
  const pairs = (...items: fc.Arbitrary<[string, string] | null>[]) => fc.tuple(...items).map((ps) => enc(ps.filter((p): p is [string, string] => p !== null)));
  switch (template) {
    case '/api/v1/predictions':
      return fc.uniqueArray(fc.constantFrom(...world.predictionIds), { minLength: 1, maxLength: 5 }).map((ids) => enc([['ids', ids.join(',')]]));
    case '/api/v1/models/[name]/monitoring':
      return pairs(
        opt('version', fc.constantFrom(1, 2, 3)),
        opt('alias', fc.constantFrom('production', 'staging')),
        opt('from', iso),
        opt('to', iso),
        opt('bucket', fc.constantFrom('hour', 'day')),
      );
    case '/api/v1/models/[name]/compare':
    case '/models/[name]/compare':
      return pairs(
        opt('a', fc.constantFrom(1, 2, 3)),
        opt('b', fc.constantFrom(1, 2, 3)),
        opt('from', iso),
        opt('to', iso),
        opt('bucket', fc.constantFrom('hour', 'day')),
      );
    case '/api/v1/models':
    case '/api/v1/models/[name]/events':
      return pairs(opt('limit', fc.integer({ min: 1, max: 200 })), opt('cursor', fc.string({ maxLength: 20 })));
    case '/api/v1/models/[name]':
    case '/api/v1/models/[name]/versions':
      return pairs(opt('include_archived', fc.constantFrom('true', 'false')));
    default:
      return null;
  }
}

function queryFor(template: string, world: World): fc.Arbitrary<string> {
  const valid = validQuery(template, world);
  return valid ? fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: randomQuery, weight: 2 }) : randomQuery;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'image/png',
  '*/*',
  '',
  'application/problem+json',
  'application/vnd.api+json',
  'text/csv',
  'APPLICATION/JSON',
  'application/json;;;',
  `application/${'x'.repeat(5000)}`,
];

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(
    'accept',
    'accept-encoding',
    'sec-fetch-site',
    'x-modeldock-remote',
    'content-encoding',
    'host',
    'origin',
    'referer',
    'cookie',
    'range',
    'if-none-match',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-forwarded-proto',
    'user-agent',
    'x-request-id',
    'x-middleware-subrequest',
    'rsc',
    'next-action',
    'next-router-state-tree',
  ),
  fc.oneof(
    fc.constantFrom(
      '*/*',
      'application/json',
      'text/html',
      'same-origin',
      'cross-site',
      'same-site',
      'none',
      'http://127.0.0.1',
      'gzip',
      'deflate',
      'br',
      'identity',
      'evil.example',
      '',
      'a b',
      '[::1',
      'x:99999',
      'null',
      'https://evil.example',
      'bytes=0-10',
      'bytes=-1',
      'bytes=99999999-',
      '1',
      'session=garbage',
      'middleware:middleware:middleware:middleware:middleware',
      'src/middleware:src/middleware',
    ),
    hostileString.map(headerSafe),
  ),
  { maxKeys: 3 },
);

const GARBAGE_AUTH = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer  x',
    'bearer x',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer md_live_00000000000000000000',
    'Bearer ' + 'A'.repeat(8000),
    'Token abc',
    '',
    'Bearer a b',
  ),
  hostileString.map((s) => headerSafe(`Bearer ${s}`)),
);

/** How the request's body is drawn: a route's JSON bodies, multipart, or none. */
function bodyFor(
  key: string,
  method: string,
  world: World,
  model: FuzzModel | null,
  createNames: string[],
): fc.Arbitrary<{ body: BodySpec | null; contentType: string | null }> {
  const noBody = fc.constant({ body: null, contentType: null });
  const valid = validBody(key, world, model, createNames) ?? fc.constant({});
  const json = fc
    .tuple(
      jsonBodies(valid),
      fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 4 },
        { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
    )
    .map(([body, contentType]) => ({ body, contentType }));
  const multipart = multipartBodies(world).map((m) => ({ body: { kind: 'bytes' as const, bytes: m.body, note: m.note }, contentType: m.contentType }));
  if (key === 'POST /api/v1/models/[name]/versions') return fc.oneof({ arbitrary: multipart, weight: 9 }, { arbitrary: json, weight: 1 });
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS') {
    return fc.oneof({ arbitrary: noBody, weight: 9 }, { arbitrary: json, weight: 1 });
  }
  return fc.oneof({ arbitrary: json, weight: 18 }, { arbitrary: multipart, weight: 1 }, { arbitrary: noBody, weight: 1 });
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FUZZ'];

function fill(template: string, values: string[], hows: string[]): string {
  let i = 0;
  return template.replace(/\[(\.\.\.)?([^\]]+)\]/g, () => {
    const v = values[i];
    const how = hows[i++] as Parameters<typeof encodeSegment>[1];
    // Long values are sent percent-encoded once or raw: double and overlong forms would pass 16 KB.
    return encodeSegment(v, v.length > 1000 && (how === 'double' || how === 'overlong') ? 'component' : how);
  });
}

/** One request against one route of the table (its own verbs, now and then another). */
function routeRequest(route: RouteSpec, world: World, createNames: string[]): fc.Arbitrary<FuzzRequest> {
  const methodArb = fc.oneof({ arbitrary: fc.constantFrom(...route.methods), weight: 19 }, { arbitrary: fc.constantFrom(...OTHER_METHODS), weight: 1 });
  return methodArb.chain((method) => {
    const key = `${method} ${route.template}`;
    const params = route.params.map((p, i) => {
      // A catch-all takes several segments.
      if (route.template.includes(`[...${p}]`)) {
        return fc
          .array(fc.oneof(hostileString, fc.constantFrom('v1', 'models', 'v2', '..', 'x')), { minLength: 1, maxLength: 5 })
          .map((segs) => ({ value: segs.join('/'), model: null as FuzzModel | null }));
      }
      return paramValue(p, world, method, route.template).map((v) => (i === 0 ? v : { ...v, model: null }));
    });
    return fc
      .tuple(fc.tuple(...params), fc.array(encoding, { minLength: route.params.length, maxLength: route.params.length }), queryFor(route.template, world))
      .chain(([values, hows, q]) => {
        const model = values.find((v) => v.model)?.model ?? null;
        const path =
          fill(
            route.template,
            values.map((v) => v.value),
            hows,
          ) + q;
        return fc
          .record({
            body: bodyFor(key, method, world, model, createNames),
            extra: extraHeaders,
            auth: fc.constantFrom<Auth>('default', 'default', 'default', 'default', 'default', 'default', 'default', 'default', 'none', 'garbage'),
            garbageAuth: GARBAGE_AUTH,
          })
          .map(({ body, extra, auth, garbageAuth }) => {
            const headers: Record<string, string> = { ...extra };
            if (body.contentType !== null) headers['content-type'] = body.contentType;
            return {
              route: `${method} ${route.template}`,
              method,
              path,
              headers,
              body: body.body,
              auth,
              garbageAuth: auth === 'garbage' ? garbageAuth : undefined,
            };
          });
      });
  });
}

/** A path in no route: prefixes of real ones with hostile tails, traversal out of /api. */
const strayPath: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      '/',
      '/api',
      '/api/',
      '/api/v1',
      '/api/v1/models/',
      '/v2/',
      '/v2/models',
      '/_next/',
      '/_next/static/',
      '/_next/image',
      '/_next/data/x/',
      '/static/',
      '/public/',
      '/favicon.ico',
      '//',
      '/..',
      '/metrics/',
      '/api/v1/models//predict',
    ),
    fc.array(fc.tuple(hostileString, encoding), { maxLength: 3 }),
    randomQuery,
  )
  .map(([prefix, segs, q]) => prefix + segs.map(([s, how]) => encodeSegment(s, how)).join('/') + q);

export function requestArb(routes: RouteSpec[], world: World, createNames: string[]): fc.Arbitrary<FuzzRequest> {
  const routed = routes.map((r) => ({
    arbitrary: routeRequest(r, world, createNames),
    weight: r.source === 'page' ? 2 : r.template === '/api/v1/demo' ? 1 : 4 * r.methods.length,
  }));
  const stray = fc.record({ path: strayPath, method: fc.constantFrom(...OTHER_METHODS), extra: extraHeaders }).map(({ path, method, extra }) => ({
    route: `${method} (no route)`,
    method,
    path,
    headers: extra,
    body: null,
    auth: 'default' as Auth,
  }));
  return fc.oneof(...routed, { arbitrary: stray, weight: 6 });
}

/**
 * Requests that put the main models back in a servable state (production → version 1, labels and
 * version 1 restored), sent between chunks: the fuzzer deletes and moves aliases and relabels
 * models, which would otherwise leave most later predictions at "no production version".
 */
export function repairRequests(world: World): FuzzRequest[] {
  const json = (method: string, path: string, body: unknown): FuzzRequest => ({
    route: 'repair',
    method,
    path,
    headers: { 'content-type': 'application/json' },
    body: { kind: 'text', text: JSON.stringify(body), note: 'repair' },
    auth: 'default',
  });
  return world.models.flatMap((m) => [
    json('PATCH', `/api/v1/models/${m.name}/versions/1`, { archived: false }),
    json('PUT', `/api/v1/models/${m.name}/aliases/production`, { version: 1 }),
    json('PATCH', `/api/v1/models/${m.name}`, { labels: m.labels }),
  ]);
}
