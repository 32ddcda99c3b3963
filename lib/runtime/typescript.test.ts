// The server's TypeScript loader (typescript.cjs): no keepNames wrappers, TypeScript as the server
// uses it, stack traces on .ts lines, and `npm start` (so every test and bench server) running under it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverCommand } from '../../scripts/testing/server-command';

const ROOT = join(__dirname, '..', '..');
const LOADER = join(__dirname, 'typescript.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { compile } = require(LOADER) as { compile(source: string, filename: string): string };
const dir = mkdtempSync(join(tmpdir(), 'modeldock-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the server TypeScript loader', () => {
  it('compiles closures without keepNames wrappers (an Object.defineProperty per closure created)', () => {
    const code = compile('export function handler(xs: number[]) { const double = (x: number) => x * 2; return xs.map(double).map((y) => y + 1); }', 'h.ts');
    expect(code).not.toContain('__name');
    expect(code).toContain('exports');
  });

  it('runs TypeScript under node: types, enums, class fields, type-only imports; strict; no keepNames; stack traces on .ts lines', () => {
    writeFileSync(join(dir, 'dep.ts'), 'export interface Shape { n: number }\nexport const base = 40;\n');
    writeFileSync(
      join(dir, 'main.ts'),
      [
        "import type { Shape } from './dep';",
        "import { base } from './dep';",
        'enum Kind { A = 1, B }',
        'class Counter { count: number = base; add(by: number): this { this.count += by; return this; } }',
        'const make = (): Shape => ({ n: new Counter().add(Kind.B).count });',
        "const seen = { code: '' }; require.extensions['.ts']({ _compile: (code: string) => { seen.code = code; } } as any, __filename);",
        'console.log(JSON.stringify({ n: make().n, strict: (function (this: unknown) { return this; })() === undefined, wrapped: seen.code.includes(["__", "name("].join("")) }));',
        'function fail(): never {',
        "  throw new Error('at line 9');",
        '}',
        'fail();',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--require', LOADER, join(dir, 'main.ts')], { encoding: 'utf8' });
    // The hook as registered compiles this very file without keepNames' wrappers.
    expect(JSON.parse(run.stdout.trim())).toEqual({ n: 42, strict: true, wrapped: false });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('at line 9');
    expect(run.stderr).toMatch(/main\.ts:9:\d+/);
  });

  it('is what `npm start` runs, and so every server the tests and benches start', () => {
    const command = serverCommand('--dev');
    const loader = command[command.indexOf('--require') + 1];
    expect(existsSync(join(ROOT, loader))).toBe(true);
    expect(join(ROOT, loader)).toBe(LOADER);
    expect(command.slice(-2)).toEqual(['lib/http/server.ts', '--dev']);
    // `npm run dev` too.
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.dev).toBe(`${scripts.start} --dev`);
  });
});
