// Where to send the browser after signing in: a path of this site, never another origin. A
// prefix check is not enough: browsers read "/\evil.example" and "/\t/evil.example" as
// "//evil.example" (found by e2e/ui/xss.spec.ts), so the value is resolved as the browser would;
// and the resolved path itself must not start with "//" or "/\": "/..//evil.example/x" resolves to
// the path "//evil.example/x", which the browser then reads as another host.
const BASE = 'http://modeldock.invalid';

export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Resolve once more, as the browser will when it is handed the result.
  let again: URL;
  try {
    again = new URL(path, BASE);
  } catch {
    return '/';
  }
  if (again.origin !== BASE || /^\/[/\\]/.test(url.pathname)) return '/';
  return path;
}
