import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';
import { RateLimiter } from '../../runtime/rate-limit';
import { randomBase62, sha256Hex } from './secrets';
import { readCookie, sessionCookie } from './cookies';

describe('passwords (scrypt)', () => {
  it('verifies the right password and refuses others, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  }, 30_000);

  it('refuses tampered or malformed hashes instead of throwing', async () => {
    const h = await hashPassword('pw-0123456789');
    const parts = h.split('$');
    parts[5] = Buffer.alloc(32, 7).toString('base64');
    expect(await verifyPassword('pw-0123456789', parts.join('$'))).toBe(false);
    expect(await verifyPassword('pw-0123456789', 'bcrypt$x')).toBe(false);
    expect(await verifyPassword('pw-0123456789', 'scrypt$0$8$1$AAAA$AAAA')).toBe(false);
  }, 30_000);
});

describe('RateLimiter', () => {
  it('allows a burst, then one request per 1/rate seconds, and says how long to wait', () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    expect([rl.take('k', 2, 3), rl.take('k', 2, 3), rl.take('k', 2, 3)]).toEqual([0, 0, 0]);
    expect(rl.take('k', 2, 3)).toBeCloseTo(0.5, 9);
    t = 250;
    expect(rl.take('k', 2, 3)).toBeCloseTo(0.25, 9);
    t = 500;
    expect(rl.take('k', 2, 3)).toBe(0);
    expect(rl.take('other', 2, 3)).toBe(0);
    t = 100_000;
    // Refills to the burst, never beyond.
    expect([0, 1, 2, 3].map(() => rl.take('k', 2, 3))).toEqual([0, 0, 0, 0.5]);
  });

  it('forgets a key', () => {
    const rl = new RateLimiter(() => 0);
    rl.take('k', 1, 1);
    expect(rl.take('k', 1, 1)).toBeGreaterThan(0);
    rl.forget('k');
    expect(rl.take('k', 1, 1)).toBe(0);
  });
});

describe('secrets and cookies', () => {
  it('draws base62 of the asked length, different every time', () => {
    const seen = new Set(Array.from({ length: 200 }, () => randomBase62(40)));
    expect(seen.size).toBe(200);
    for (const s of seen) expect(s).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('digests with SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('writes HttpOnly SameSite=Lax cookies, Secure only when asked, and reads them back', () => {
    expect(sessionCookie('tok', 60, false)).toBe('modeldock_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');
    expect(sessionCookie('tok', 60, true)).toMatch(/; Secure$/);
    expect(readCookie('a=1; modeldock_session=xyz; b=2', 'modeldock_session')).toBe('xyz');
    expect(readCookie('modeldock_sessionx=1', 'modeldock_session')).toBeUndefined();
    expect(readCookie(undefined, 'modeldock_session')).toBeUndefined();
  });
});
