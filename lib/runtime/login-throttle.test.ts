import { describe, expect, it } from 'vitest';
import { ACCOUNT_FREE_FAILURES, ATTEMPTS_PER_MINUTE, FORGET_AFTER_MS, FREE_FAILURES, LoginThrottle, MAX_BACKOFF_S, MemoryFailures } from './login-throttle';

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** One attempt that fails when allowed: the wait it was given (0 = it was checked). */
async function attempt(th: LoginThrottle, address: string, user: string, device = false): Promise<number> {
  const wait = await th.check(address, user, device);
  if (wait === 0) await th.failed(address, user, device);
  return wait;
}

describe('LoginThrottle', () => {
  it('lets FREE_FAILURES wrong passwords through from one address, then backs off exponentially', async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < FREE_FAILURES; i++) {
      c.advance(6_000);
      expect(await attempt(th, 'a', 'admin')).toBe(0);
    }
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const w = await th.check('a', 'admin', false);
      waits.push(Math.round(w));
      c.advance(w * 1000);
      expect(await attempt(th, 'a', 'admin')).toBe(0);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it('caps the backoff and forgets failures after a quiet hour', async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 40; i++) {
      c.advance((await th.check('a', 'admin', false)) * 1000 + 6_000);
      await th.failed('a', 'admin', false);
    }
    expect(await th.check('a', 'admin', false)).toBeLessThanOrEqual(MAX_BACKOFF_S);
    c.advance(FORGET_AFTER_MS + 1);
    expect(await th.check('a', 'admin', false)).toBe(0);
  });

  it('an attacker behind the same address does not lock out a browser that signed in before', async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 200; i++) {
      await attempt(th, 'proxy', 'admin');
      c.advance(100);
    }
    expect(await th.check('proxy', 'admin', false)).toBeGreaterThan(0);
    // The admin's browser shows its device token: held only to its own failures.
    expect(await th.check('proxy', 'admin', true)).toBe(0);
    await th.succeeded('proxy', 'admin');
    expect(await th.check('proxy', 'admin', true)).toBe(0);
  });

  it('guessing from many addresses is slowed per account', async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) expect(await attempt(th, `10.0.${i >> 8}.${i & 255}`, 'Admin ')).toBe(0);
    // The next address, any spelling of the name: the account waits.
    expect(await th.check('10.9.9.9', 'admin', false)).toBeGreaterThan(0);
    // Other accounts are not affected.
    expect(await th.check('10.9.9.9', 'other', false)).toBe(0);
  });

  it('limits attempts per address across accounts (spraying)', async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    const waits: number[] = [];
    for (let i = 0; i < ATTEMPTS_PER_MINUTE + 2; i++) waits.push(await attempt(th, 'sprayer', `user${i}`));
    expect(waits.slice(0, ATTEMPTS_PER_MINUTE).every((w) => w === 0)).toBe(true);
    expect(waits.slice(ATTEMPTS_PER_MINUTE).every((w) => w > 0)).toBe(true);
  });

  it('stays bounded however many addresses and names it sees', async () => {
    const c = clock();
    const store = new MemoryFailures();
    const th = new LoginThrottle(c.now, store);
    for (let i = 0; i < 50_000; i++) await th.failed(`addr${i}`, `name${i}`, false);
    // Two entries per failure (pair and account) would be 100 000 without the bound.
    expect(store.size).toBeLessThanOrEqual(10_000);
  });
});

describe('LoginThrottle after a successful sign-in', () => {
  it("keeps the account's backoff (the guesses go on) but clears the address's", async () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) await attempt(th, `10.1.${i >> 8}.${i & 255}`, 'admin');
    expect(await th.check('10.2.0.1', 'admin', false)).toBeGreaterThan(0);
    await th.succeeded('10.2.0.9', 'admin');
    expect(await th.check('10.2.0.1', 'admin', false)).toBeGreaterThan(0);
  });
});
