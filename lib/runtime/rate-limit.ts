// Token buckets per API key for the prediction routes: `rate` requests per second on average,
// bursts up to `burst`; an empty bucket answers 429 with the seconds until the next token.

export interface Bucket {
  tokens: number;
  at: number;
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
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * rate);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / rate;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }
}
