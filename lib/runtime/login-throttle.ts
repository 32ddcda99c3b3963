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
// The failure counters live in a FailureStore: bounded maps in this process (MemoryFailures), or
// PostgreSQL for a fleet (lib/runtime/fleet-failures.ts), so failures through one replica count on
// all. The per-address attempt limit stays in each process: it is the check a flood hits, and kept
// local a refused attempt costs the shared database nothing; the counters that protect an account
// are the fleet-wide ones, and with n replicas one address gets at most n × 10 attempts a minute.
import { RateLimiter } from './rate-limit';

export const ATTEMPTS_PER_MINUTE = 10;
export const FREE_FAILURES = 10;
export const ACCOUNT_FREE_FAILURES = 50;
export const MAX_BACKOFF_S = 15 * 60;
/** Failures older than this (since the last one) are forgotten. */
export const FORGET_AFTER_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

/** A failure counter: how many, and when the last one was (ms). */
export interface Failures {
  count: number;
  last: number;
}

/** Where the failure counters live. Counters last counted before `since` are forgotten: absent, and counted from 1 again. */
export interface FailureStore {
  read(keys: string[], since: number): Promise<Map<string, Failures>>;
  /** Counts one failure on each key at `now`. */
  add(keys: string[], now: number, since: number): Promise<void>;
  clear(keys: string[]): Promise<void>;
}

/** Seconds a counter holds the next attempt: none below `free` failures, then 2^(count − free) s after the last, capped. */
export function backoffOf(f: Failures | undefined, free: number, now: number): number {
  if (!f || f.count < free) return 0;
  const left = (f.last + Math.min(MAX_BACKOFF_S, 2 ** (f.count - free)) * 1000 - now) / 1000;
  return left > 0 ? left : 0;
}

/** The counters an attempt is held to, each with the failures it lets through. */
function countersOf(address: string, user: string, device: boolean): { key: string; free: number }[] {
  if (device) return [{ key: `device:${user}`, free: FREE_FAILURES }];
  return [
    { key: `pair:${address}:${user}`, free: FREE_FAILURES },
    { key: `account:${user}`, free: ACCOUNT_FREE_FAILURES },
  ];
}

const normalized = (username: string) => username.trim().toLowerCase().slice(0, 64);

export class LoginThrottle {
  private readonly perAddress: RateLimiter;

  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly failures: FailureStore = new MemoryFailures(),
  ) {
    this.perAddress = new RateLimiter(() => this.now());
  }

  /**
   * Seconds to wait before this attempt may be checked (0: go ahead). `device` is the account's
   * device token when the browser showed a valid one.
   */
  async check(address: string, username: string, device: boolean): Promise<number> {
    const counters = countersOf(address, normalized(username), device);
    if (!device) {
      // Refused here, the attempt is not looked up in the store (a flood stays off a shared database).
      const spray = this.perAddress.take(`ip:${address}`, ATTEMPTS_PER_MINUTE / 60, ATTEMPTS_PER_MINUTE);
      if (spray > 0) return spray;
    }
    const now = this.now();
    const found = await this.failures.read(
      counters.map((c) => c.key),
      now - FORGET_AFTER_MS,
    );
    return Math.max(...counters.map((c) => backoffOf(found.get(c.key), c.free, now)));
  }

  async failed(address: string, username: string, device: boolean): Promise<void> {
    const now = this.now();
    await this.failures.add(
      countersOf(address, normalized(username), device).map((c) => c.key),
      now,
      now - FORGET_AFTER_MS,
    );
  }

  /**
   * Clears this address's and the device's failures. The account's stay (they fade after a quiet
   * hour): a sign-in by the owner says nothing about the guesses others are still making.
   */
  async succeeded(address: string, username: string): Promise<void> {
    const user = normalized(username);
    await this.failures.clear([`pair:${address}:${user}`, `device:${user}`]);
  }
}

/** The counters of one process, in a map bounded in entries: request input (addresses, usernames) cannot grow memory. */
export class MemoryFailures implements FailureStore {
  private readonly map = new Map<string, Failures>();

  get size(): number {
    return this.map.size;
  }

  async read(keys: string[], since: number): Promise<Map<string, Failures>> {
    const found = new Map<string, Failures>();
    for (const k of keys) {
      const f = this.map.get(k);
      if (f && f.last >= since) found.set(k, f);
    }
    return found;
  }

  async add(keys: string[], now: number, since: number): Promise<void> {
    for (const k of keys) {
      let f = this.map.get(k);
      if (!f || f.last < since) {
        // A forgotten counter starts over as a new entry (at the end of the eviction order).
        if (f) this.map.delete(k);
        else if (this.map.size >= MAX_ENTRIES) this.evict(since);
        f = { count: 0, last: 0 };
        this.map.set(k, f);
      }
      f.count++;
      f.last = now;
    }
  }

  async clear(keys: string[]): Promise<void> {
    for (const k of keys) this.map.delete(k);
  }

  /** Drops forgotten entries (then, if still full, the oldest half: they were inserted first). */
  private evict(since: number): void {
    for (const [k, f] of this.map) if (f.last < since) this.map.delete(k);
    if (this.map.size < MAX_ENTRIES) return;
    let n = 0;
    for (const k of this.map.keys()) {
      if (n++ > MAX_ENTRIES / 2) break;
      this.map.delete(k);
    }
  }
}
