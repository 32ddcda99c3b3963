// Access queries on a real, migrated PostgreSQL database (the suite: ./access.suite.ts), and what only
// PostgreSQL risks: replicas creating the first user at the same moment.
import { describe, expect, it } from 'vitest';
import { userCountPg } from '../pg/queries/access';
import { freshPgDb } from '../pg/test-pg';
import { freshPgReplicas } from '../pg/test-replicas';
import { insertFirstUser } from './access';
import { accessSuite } from './access.suite';

accessSuite(freshPgDb);

describe('access on several replicas', () => {
  it('creates exactly one first user when two replicas set up at once', async () => {
    const [a, b] = await freshPgReplicas(2);
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) => insertFirstUser(i % 2 ? a : b, { username: `admin${i}`, passwordHash: 'h', actor: 'setup' })),
    );
    expect(created.filter((c) => c !== undefined)).toHaveLength(1);
    expect(await userCountPg(a)).toBe(1);
    expect(await insertFirstUser(b, { username: 'late', passwordHash: 'h', actor: 'setup' })).toBeUndefined();
  });
});
