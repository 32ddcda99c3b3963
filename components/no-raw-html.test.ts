// Stored text reaches the page only through React's escaping: no source file may hand the browser
// raw HTML or code strings (dangerouslySetInnerHTML, innerHTML, document.write, eval…) outside the
// allow-list below, which is empty today. e2e/ui/xss.spec.ts proves the rendered pages inert.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const DIRS = ['app', 'components', 'lib', 'inference', 'db', 'scripts'];
const SINKS: [string, RegExp][] = [
  ['dangerouslySetInnerHTML', /dangerouslySetInnerHTML/],
  ['innerHTML / outerHTML', /\.(inner|outer)HTML\b/],
  ['insertAdjacentHTML', /insertAdjacentHTML/],
  ['document.write', /document\.write(ln)?\s*\(/],
  ['eval', /(^|[^.\w])eval\s*\(/],
  ['new Function', /new\s+Function\s*\(/],
  ['string timer', /set(Timeout|Interval)\s*\(\s*['"`]/],
  ['srcdoc', /srcDoc|srcdoc/],
  ['createContextualFragment', /createContextualFragment/],
];
/** "path: sink" pairs that are allowed, each with a reason. None today. */
const ALLOWED = new Map<string, string>();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return e === 'node_modules' ? [] : sources(p);
    return /\.(tsx?|jsx?|mjs)$/.test(e) && !/\.test\.tsx?$/.test(e) ? [p] : [];
  });
}

describe('raw HTML sinks', () => {
  it('appear nowhere in the source outside the allow-list', () => {
    const files = DIRS.flatMap((d) => sources(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const [name, re] of SINKS) {
        const key = `${relative(ROOT, f)}: ${name}`;
        if (re.test(text) && !ALLOWED.has(key)) found.push(key);
      }
    }
    expect(found).toEqual([]);
  });

  it('would catch a sink (the patterns match what they name)', () => {
    const samples = [
      '<div dangerouslySetInnerHTML={{ __html: x }} />',
      'el.innerHTML = s',
      'el.insertAdjacentHTML("beforeend", s)',
      'document.write(s)',
      'eval(s)',
      'new Function(s)',
      "setTimeout('x()', 1)",
      '<iframe srcDoc={s} />',
      'range.createContextualFragment(s)',
    ];
    samples.forEach((s, i) => expect(SINKS[i][1].test(s), s).toBe(true));
    expect(SINKS.find(([n]) => n === 'eval')![1].test('values.evaluate(x)')).toBe(false);
  });
});
