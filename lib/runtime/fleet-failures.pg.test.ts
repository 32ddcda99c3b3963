// Sign-in failures counted in PostgreSQL (lib/runtime/fleet-failures.ts): failures through any replica
// hold the account on every replica, exactly as the same failures through one process do.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePg, openPg, type PgHandle } from '../../db/pg/client';
import { migratePg } from '../../db/pg/migrate';
import { freshDatabase } from '../../db/pg/test-pg';
import { PgFailures } from './fleet-failures';
import { ACCOUNT_FREE_FAILURES, FORGET_AFTER_MS, FREE_FAILURES, LoginThrottle } from './login-throttle';

let replicas: PgHandle[];

beforeAll(async () => {
  const url = await freshDatabase('login');
  replicas = Array.from({ length: 3 }, () => openPg(url, { max: 2 }));
  await migratePg(replicas[0].pool);
});
afterAll(async () => {
  await Promise.all(replicas.map(closePg));
});

/** One clock for the test's replicas (their real clocks would agree to well under the 1 s backoff step). */
function clock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const fleet = (now: () => number) => replicas.map((r) => new LoginThrottle(now, new PgFailures(r.db)));

/**
 * FREE_FAILURES wrong passwords, then six more each after the wait it was given, through the
 * throttles in turn: the waits given, and the wait every throttle then gives.
 */
async function guess(throttles: LoginThrottle[], c: ReturnType<typeof clock>, user: string): Promise<{ waits: number[]; after: number[] }> {
  let n = 0;
  const next = () => throttles[n++ % throttles.length];
  for (let i = 0; i < FREE_FAILURES; i++) {
    c.advance(6_000);
    const th = next();
    expect(await th.check('10.0.0.1', user, false)).toBe(0);
    await th.failed('10.0.0.1', user, false);
  }
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    const th = next();
    const w = await th.check('10.0.0.1', user, false);
    waits.push(Math.round(w));
    c.advance(w * 1000);
    expect(await th.check('10.0.0.1', user, false)).toBe(0);
    await th.failed('10.0.0.1', user, false);
  }
  const after = await Promise.all(throttles.map((th) => th.check('10.0.0.1', user, false)));
  return { waits, after: after.map(Math.round) };
}

describe('LoginThrottle over PostgreSQL', () => {
  it('failures round-robin over three replicas back off exactly as through one process', async () => {
    const alone = clock();
    const one = await guess([new LoginThrottle(alone.now)], alone, 'admin');
    const c = clock();
    const spread = await guess(fleet(c.now), c, 'admin');
    expect(one.waits).toEqual([1, 2, 4, 8, 16, 32]);
    expect(spread.waits).toEqual(one.waits);
    // After the 16th failure every replica holds the next attempt for 64 s, as one process does.
    expect(spread.after).toEqual([64, 64, 64]);
    expect(one.after).toEqual([64]);
  });

  it('guessing one account from many addresses through many replicas is slowed fleet-wide', async () => {
    const c = clock();
    const throttles = fleet(c.now);
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
      const th = throttles[i % 3];
      const address = `10.1.${i >> 8}.${i & 255}`;
      expect(await th.check(address, 'root', false)).toBe(0);
      await th.failed(address, 'root', false);
    }
    for (const th of throttles) expect(await th.check('10.9.9.9', 'Root ', false)).toBeGreaterThan(0);
    expect(await throttles[0].check('10.9.9.9', 'other', false)).toBe(0);
  });

  it("a sign-in through one replica clears its address's failures on all; the account's stay", async () => {
    const c = clock();
    const throttles = fleet(c.now);
    for (let i = 0; i < FREE_FAILURES; i++) await throttles[i % 3].failed('10.2.0.1', 'ops', false);
    expect(await throttles[1].check('10.2.0.1', 'ops', false)).toBeGreaterThan(0);
    await throttles[2].succeeded('10.2.0.1', 'ops');
    expect(await throttles[1].check('10.2.0.1', 'ops', false)).toBe(0);
    const rows = await replicas[0].db.execute<{ key: string; value: number }>(
      sql`SELECT key, value FROM fleet_state WHERE key LIKE 'login:%:ops' ORDER BY key`,
    );
    expect(rows.rows).toEqual([{ key: 'login:account:ops', value: FREE_FAILURES }]);
  });

  it('failures counted at the same moment on all replicas are all counted (no lost update, no deadlock)', async () => {
    const c = clock();
    const throttles = fleet(c.now);
    await Promise.all(Array.from({ length: 60 }, (_, i) => throttles[i % 3].failed(`10.4.0.${i % 2}`, 'busy', false)));
    const rows = await replicas[0].db.execute<{ key: string; value: number }>(
      sql`SELECT key, value FROM fleet_state WHERE key LIKE 'login:%busy' ORDER BY key`,
    );
    expect(rows.rows).toEqual([
      { key: 'login:account:busy', value: 60 },
      { key: 'login:pair:10.4.0.0:busy', value: 30 },
      { key: 'login:pair:10.4.0.1:busy', value: 30 },
    ]);
  });

  it('forgets after a quiet hour, and deletes what it forgot', async () => {
    // Two hours after the other tests' failures: theirs are forgotten too.
    const c = clock(2 * FORGET_AFTER_MS);
    const throttles = fleet(c.now);
    for (let i = 0; i < FREE_FAILURES + 3; i++) await throttles[i % 3].failed('10.3.0.1', 'quiet', false);
    expect(await throttles[0].check('10.3.0.1', 'quiet', false)).toBeGreaterThan(0);
    c.advance(FORGET_AFTER_MS + 1);
    expect(await throttles[1].check('10.3.0.1', 'quiet', false)).toBe(0);
    // The next failure counts from one again, and removes the rows an hour old (everyone's).
    await throttles[2].failed('10.3.0.1', 'quiet', false);
    const rows = await replicas[0].db.execute<{ key: string; value: number }>(sql`SELECT key, value FROM fleet_state WHERE key LIKE 'login:%' ORDER BY key`);
    expect(rows.rows).toEqual([
      { key: 'login:account:quiet', value: 1 },
      { key: 'login:pair:10.3.0.1:quiet', value: 1 },
    ]);
  });
});
