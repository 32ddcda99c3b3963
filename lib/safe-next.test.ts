import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

describe('safeNext', () => {
  it('keeps a path of this site, with its query', () => {
    expect(safeNext('/models/new')).toBe('/models/new');
    expect(safeNext('/models/churn/monitoring?days=7&bucket=hour')).toBe('/models/churn/monitoring?days=7&bucket=hour');
  });

  it.each([
    undefined, '', 'javascript:alert(1)', 'JavaScript:alert(1)', 'https://evil.example/', '//evil.example/', '/\\evil.example/',
    '\\\\evil.example', '/\t/evil.example', '/\n/evil.example', ' /x', 'data:text/html,<script>1</script>', 'models/new',
  ])('sends %j to the overview', (next) => {
    expect(safeNext(next)).toBe('/');
  });
});
