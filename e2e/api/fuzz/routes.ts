// The route table the fuzzer covers, derived from the source so routes added later are fuzzed
// without editing this file: every app/api/**/route.ts (its path from the folders, its verbs from
// its exports), every dashboard page (GET), and the server's own fast path (lib/http/fast-routes.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

export type Source = 'next' | 'page' | 'fast';

export interface RouteSpec {
  /** Path with its parameters in brackets: /api/v1/models/[name]/versions/[n]. */
  template: string;
  methods: string[];
  /** Parameter names in path order ([...path] gives "path"). */
  params: string[];
  source: Source;
  file: string;
}

const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** The verbs a route module exports: `export const GET`, `export async function GET`, `export { x as GET }`. */
export function exportedVerbs(source: string): string[] {
  const verbs = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+([A-Z]+)\b/g)) if (VERBS.includes(m[1])) verbs.add(m[1]);
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()!
        .trim();
      if (VERBS.includes(name)) verbs.add(name);
    }
  }
  return [...verbs].sort();
}

/** Folder path → URL template: route groups "(x)" vanish, "[...path]" and "[name]" stay as parameters. */
function templateOf(dirParts: string[]): { template: string; params: string[] } {
  const segs = dirParts.filter((s) => !(s.startsWith('(') && s.endsWith(')')));
  const params = segs.filter((s) => s.startsWith('[')).map((s) => s.replace(/^\[+(?:\.\.\.)?|\]+$/g, ''));
  return { template: `/${segs.join('/')}`.replace(/\/$/, '') || '/', params };
}

export function nextRoutes(): RouteSpec[] {
  const appDir = join(ROOT, 'app');
  const routes: RouteSpec[] = [];
  for (const file of walk(appDir)) {
    const rel = relative(appDir, file).split(sep);
    const base = rel.pop()!;
    if (/^route\.(ts|tsx|js)$/.test(base)) {
      const { template, params } = templateOf(rel);
      routes.push({ template, params, methods: exportedVerbs(readFileSync(file, 'utf8')), source: 'next', file: relative(ROOT, file) });
    } else if (/^page\.(tsx|ts|jsx|js)$/.test(base)) {
      const { template, params } = templateOf(rel);
      routes.push({ template, params, methods: ['GET'], source: 'page', file: relative(ROOT, file) });
    }
  }
  return routes.sort((a, b) => a.template.localeCompare(b.template));
}

/**
 * The fast path's table is TypeScript the suite does not import (it would load the server), so its
 * rows are written here; `fastPathKinds` reads the route kinds the module declares so a kind added
 * there without a row here fails the suite.
 */
export const FAST_ROUTES: (RouteSpec & { kind: string })[] = [
  { kind: 'predict', template: '/api/v1/models/[name]/predict', methods: ['POST'], params: ['name'] },
  { kind: 'predict', template: '/api/v1/models/[name]/aliases/[alias]/predict', methods: ['POST'], params: ['name', 'alias'] },
  { kind: 'predict', template: '/api/v1/models/[name]/versions/[n]/predict', methods: ['POST'], params: ['name', 'n'] },
  { kind: 'metrics', template: '/metrics', methods: ['GET'], params: [] },
  { kind: 'v2-server', template: '/v2', methods: ['GET'], params: [] },
  { kind: 'v2-live', template: '/v2/health/live', methods: ['GET'], params: [] },
  { kind: 'v2-server-ready', template: '/v2/health/ready', methods: ['GET'], params: [] },
  { kind: 'v2-model', template: '/v2/models/[name]', methods: ['GET'], params: ['name'] },
  { kind: 'v2-model', template: '/v2/models/[name]/versions/[n]', methods: ['GET'], params: ['name', 'n'] },
  { kind: 'v2-ready', template: '/v2/models/[name]/ready', methods: ['GET'], params: ['name'] },
  { kind: 'v2-ready', template: '/v2/models/[name]/versions/[n]/ready', methods: ['GET'], params: ['name', 'n'] },
  { kind: 'v2-infer', template: '/v2/models/[name]/infer', methods: ['POST'], params: ['name'] },
  { kind: 'v2-infer', template: '/v2/models/[name]/versions/[n]/infer', methods: ['POST'], params: ['name', 'n'] },
].map((r) => ({ ...r, source: 'fast' as const, file: 'lib/http/fast-routes.ts' }));

/** The route kinds declared by lib/http/fast-routes.ts (`type RouteKind = 'predict' | 'v2-infer' | ...;`). */
export function fastPathKinds(): string[] {
  const src = readFileSync(join(ROOT, 'lib', 'http', 'fast-routes.ts'), 'utf8');
  const decl = /type RouteKind =([\s\S]*?);\n/.exec(src);
  if (!decl) throw new Error('fast-routes.ts: no `type RouteKind = ...;` declaration to read the route kinds from');
  return [...new Set([...decl[1].matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]))].sort();
}

export function routeTable(): RouteSpec[] {
  return [...nextRoutes(), ...FAST_ROUTES];
}
