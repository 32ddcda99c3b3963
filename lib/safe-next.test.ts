import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext', () => {
  it('keeps a path of this site, with its query', () => {
    expect(safeNext('/models/new')).toBe('/models/new');
    expect(safeNext('/models/churn/monitoring?days=7&bucket=hour')).toBe('/models/churn/monitoring?days=7&bucket=hour');
  });

  it.each([
    undefined,
    '',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /x',
    'data:text/html,<script>1</script>',
    'models/new',
    // Paths that resolve to "//host" (the review's open redirect) or "/\\host".
    '/..//evil.example/x',
    '/a/..//evil.example',
    '/.//evil.example',
    '/%2e%2e//evil.example',
    '/%2E.//evil.example',
    '/../\\evil.example',
    '/./\\/evil.example',
    '/x/../../\t//evil.example',
  ])('sends %j to the overview', (next) => {
    expect(safeNext(next)).toBe('/');
  });

  it('never leaves the site, whatever the value, read once or twice by a browser', () => {
    const chars = fc.constantFrom('/', '\\', '.', '%2e', '%2f', '%5c', 'evil.example', ':', '@', '?', '#', '\t', 'a');
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 12 }).map((a) => a.join('')),
        (tail) => {
          const out = safeNext(`/${tail}`);
          const once = new URL(out, 'https://app.example/settings');
          expect(once.origin).toBe('https://app.example');
          expect(new URL(once.pathname + once.search, 'https://app.example/').origin).toBe('https://app.example');
        },
      ),
      { numRuns: 5000, seed: 17 },
    );
  });
});
