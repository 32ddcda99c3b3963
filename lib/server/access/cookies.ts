// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure when served over https (a proxy's
// X-Forwarded-Proto: https, or COOKIE_SECURE=true).
export const SESSION_COOKIE = 'modeldock_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/**
 * Proof that this browser signed in to the account before (see login-throttle.ts): it exempts the
 * browser from throttling caused by others. Only the sign-in route reads it.
 */
export const DEVICE_COOKIE = 'modeldock_device';

export function deviceCookie(token: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${token}; Path=/api/v1/session; Max-Age=${365 * 24 * 3600}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
