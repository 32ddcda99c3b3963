// Sign-in throttling that one attacker cannot turn against everyone (OWASP's "blocking brute
// force" guidance: per-account backoff plus device cookies):
// - per client address: at most ATTEMPTS_PER_MINUTE attempts a minute (spraying many accounts);
// - per account and address: after FREE_FAILURES failed passwords, each further attempt waits
//   2^k seconds (capped), so one address guessing one password is slowed to a crawl;
// - per account over all addresses: the same backoff after ACCOUNT_FREE_FAILURES failures, so
//   guessing from many addresses is slowed too;
// - a browser that signed in to the account before shows a device token (a cookie): it is held
//   only to its own failures, never to the account's or its address's. An attacker behind the same
//   proxy as the admin (one address for everyone) therefore cannot lock the admin out.
// Everything lives in bounded maps: request input (addresses, usernames) cannot grow memory.
import { RateLimiter } from './rate-limit';

export const ATTEMPTS_PER_MINUTE = 10;
export const FREE_FAILURES = 10;
export const ACCOUNT_FREE_FAILURES = 50;
export const MAX_BACKOFF_S = 15 * 60;
/** Failures older than this (since the last one) are forgotten. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

interface Failures {
  count: number;
  until: number;
  last: number;
}

export class LoginThrottle {
  private readonly perAddress: RateLimiter;
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly now: () => number = () => Date.now()) {
    this.perAddress = new RateLimiter(() => this.now());
  }

  /**
   * Seconds to wait before this attempt may be checked (0: go ahead). `device` is the account's
   * device token when the browser showed a valid one.
   */
  check(address: string, username: string, device: boolean): number {
    const user = username.trim().toLowerCase().slice(0, 64);
    if (device) return this.waitOf(`device:${user}`);
    const spray = this.perAddress.take(`ip:${address}`, ATTEMPTS_PER_MINUTE / 60, ATTEMPTS_PER_MINUTE);
    return Math.max(spray, this.waitOf(`pair:${address}:${user}`), this.waitOf(`account:${user}`));
  }

  failed(address: string, username: string, device: boolean): void {
    const user = username.trim().toLowerCase().slice(0, 64);
    if (device) {
      this.bump(`device:${user}`, FREE_FAILURES);
      return;
    }
    this.bump(`pair:${address}:${user}`, FREE_FAILURES);
    this.bump(`account:${user}`, ACCOUNT_FREE_FAILURES);
  }

  /**
   * Clears this address's and the device's failures. The account's stay (they fade after a quiet
   * hour): a sign-in by the owner says nothing about the guesses others are still making.
   */
  succeeded(address: string, username: string): void {
    const user = username.trim().toLowerCase().slice(0, 64);
    this.failures.delete(`pair:${address}:${user}`);
    this.failures.delete(`device:${user}`);
  }

  private current(key: string): Failures | undefined {
    const f = this.failures.get(key);
    if (f && this.now() - f.last > FORGET_AFTER_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return f;
  }

  private waitOf(key: string): number {
    const f = this.current(key);
    if (!f) return 0;
    const left = (f.until - this.now()) / 1000;
    return left > 0 ? left : 0;
  }

  private bump(key: string, free: number): void {
    let f = this.current(key);
    if (!f) {
      if (this.failures.size >= MAX_ENTRIES) this.evict();
      f = { count: 0, until: 0, last: 0 };
      this.failures.set(key, f);
    }
    f.count++;
    f.last = this.now();
    if (f.count >= free) f.until = this.now() + Math.min(MAX_BACKOFF_S, 2 ** (f.count - free)) * 1000;
  }

  /** Drops forgotten entries (then, if still full, the oldest half: they were inserted first). */
  private evict(): void {
    const t = this.now();
    for (const [k, f] of this.failures) if (t - f.last > FORGET_AFTER_MS) this.failures.delete(k);
    if (this.failures.size < MAX_ENTRIES) return;
    let n = 0;
    for (const k of this.failures.keys()) {
      if (n++ > MAX_ENTRIES / 2) break;
      this.failures.delete(k);
    }
  }
}
