// Token buckets per API key for the prediction routes: `rate` requests per second on average,
// bursts up to `burst`; an empty bucket answers 429 with the seconds until the next token.
// The rule (refill by elapsed time, capped at the burst) is `refill`; the fleet's buckets in
// PostgreSQL (db/pg/queries/fleet.ts) spell the same rule in SQL, under the row's lock.

export interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket at time `t` (ms): refilled at `rate` per second since its last refill, never beyond `burst`. */
export function refill(b: Bucket, t: number, rate: number, burst: number): void {
  b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
  b.at = t;
}

/** Seconds until a bucket holding `tokens` holds `need`. */
export function waitFor(tokens: number, rate: number, need = 1): number {
  return (need - tokens) / rate;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait. */
  take(key: string, rate: number, burst: number): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 10_000) this.buckets.clear();
      b = { tokens: burst, at: t };
      this.buckets.set(key, b);
    } else {
      refill(b, t, rate, burst);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return waitFor(b.tokens, rate);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
