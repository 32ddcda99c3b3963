// The prediction rate limit of a fleet: a key limited to 50/s gets ~50/s through four replicas, not
// ~200/s. The bucket lives in PostgreSQL (db/pg/queries/fleet.ts: refilled and taken in one
// statement); so that a busy key does not cost a round trip per request, a replica leases a few
// tokens at a time (1/20 of a second's worth) and spends them locally. A lease lasts LEASE_MS:
// tokens it did not spend by then are no longer spent here but given back with the replica's next
// lease (no round trip of their own), so the fleet can exceed rate + burst only by the leases
// outstanding (≤ replicas × lease size), and an idle replica does not hold the others' burst.
// A refused replica waits locally until a whole lease has refilled rather than asking per request.
// Measured (local PostgreSQL 15, four replicas; lib/runtime/fleet-rate-limit.pg.test.ts): hammering a
// key limited to 50/s (burst 50) for 3 s, 199 allowed of ~3 million requests, ~150 round trips a
// second for the key (0.02% of requests; most are the four replicas racing for each refilled lease).
// Below the limit a replica's lease often expires before its next request, so the saving grows with
// traffic: Poisson arrivals at 50/s under a 50/s limit, ~28 round trips/s (60% of requests); at 800/s
// under 1000/s, ~38/s (5%). An unlimited key: none.
import type { PgDb } from '../../db/pg/client';
import { deleteCounters, leaseTokens } from '../../db/pg/queries/fleet';
import { waitFor } from './rate-limit';

export const LEASE_MS = 100;
const BUCKET = 'rate:';

/** Tokens a replica asks for at once: 1/20 of a second's worth (at least one, at most the burst). */
export function leaseSize(rate: number, burst: number): number {
  return Math.max(1, Math.min(Math.floor(burst), Math.floor(rate / 20)));
}

interface Lease {
  tokens: number;
  /** Local ms after which unspent tokens are no longer spent here (they go back with the next lease). */
  expires: number;
  /** Local ms before which this replica refuses without asking (the bucket was empty). */
  retryAt: number;
  /** A lease being asked for: requests arriving meanwhile wait for it instead of asking again. */
  pending: Promise<unknown> | null;
}

export class FleetRateLimiter {
  private readonly leases = new Map<string, Lease>();
  /** Leases asked of the database since this limiter was made. */
  roundTrips = 0;

  constructor(
    private readonly db: PgDb,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Takes one token; 0 when allowed, else the seconds to wait (as RateLimiter.take). A promise only
   * when the database must be asked; a rate that is not a positive number means no limit.
   */
  take(key: string, rate: number, burst: number): number | Promise<number> {
    if (!(rate > 0 && rate < Infinity)) return 0;
    const t = this.now();
    let lease = this.leases.get(key);
    if (!lease) {
      if (this.leases.size > 10_000) this.leases.clear();
      lease = { tokens: 0, expires: 0, retryAt: 0, pending: null };
      this.leases.set(key, lease);
    }
    if (lease.pending) return lease.pending.then(() => this.take(key, rate, burst));
    if (lease.tokens >= 1 && t < lease.expires) {
      lease.tokens--;
      return 0;
    }
    if (t < lease.retryAt) return (lease.retryAt - t) / 1000;
    return this.ask(lease, key, rate, burst);
  }

  /** Drops the key's bucket (a revoked key): its local lease at once, the fleet's row in the database. */
  async forget(key: string): Promise<void> {
    this.leases.delete(key);
    await deleteCounters(this.db, [BUCKET + key]);
  }

  private ask(lease: Lease, key: string, rate: number, burst: number): Promise<number> {
    const want = leaseSize(rate, burst);
    // Only an expired lease has tokens left when the database is asked.
    const refund = lease.tokens;
    lease.tokens = 0;
    this.roundTrips++;
    const asked = leaseTokens(this.db, { key: BUCKET + key, rate, burst, want, refund }).then(({ granted, tokens }) => {
      const t = this.now();
      if (granted >= 1) {
        lease.tokens = granted - 1;
        lease.expires = t + LEASE_MS;
        return 0;
      }
      lease.retryAt = t + waitFor(tokens, rate, want) * 1000;
      return waitFor(tokens, rate);
    });
    // Waiters take again once it settles, whether it failed or not (a failure is the asker's to report).
    lease.pending = asked.then(
      () => (lease.pending = null),
      () => (lease.pending = null),
    );
    return asked;
  }
}
