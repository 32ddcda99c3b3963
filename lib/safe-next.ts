// Where to send the browser after signing in: a path of this site, never another origin. A
// prefix check is not enough: browsers read "/\evil.example" and "/\t/evil.example" as
// "//evil.example" (found by e2e/ui/xss.spec.ts), so the value is resolved as the browser would.
const BASE = 'http://modeldock.invalid';

export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : '/';
}
