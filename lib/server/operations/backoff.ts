// When a failed delivery is tried again: after base, 3×base, 9×base… (10 s, 30 s, 1.5 min, 4.5 min,
// 13.5 min, capped at an hour), until at least MIN_ATTEMPTS attempts were made and at least
// GIVE_UP_AFTER × base has passed since the delivery was queued (10 minutes at the default base
// of 10 s); then it is failed. Pure.

export const MIN_ATTEMPTS = 5;
export const GIVE_UP_AFTER = 60;
const FACTOR = 3;
const MAX_DELAY_MS = 3_600_000;

/** The delay before attempt `attempts + 1`, after `attempts` failed ones. */
export function retryDelay(attempts: number, baseMs: number): number {
  return Math.min(MAX_DELAY_MS, baseMs * FACTOR ** Math.max(0, attempts - 1));
}

/** After the `attempts`-th failed attempt: when to try again, or null to give up. */
export function nextAttemptAt(o: { attempts: number; createdAt: number; now: number; baseMs: number }): number | null {
  if (o.attempts >= MIN_ATTEMPTS && o.now - o.createdAt >= GIVE_UP_AFTER * o.baseMs) return null;
  return o.now + retryDelay(o.attempts, o.baseMs);
}
