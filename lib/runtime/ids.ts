// Request ids: ULIDs (48-bit millisecond time + 80 bits), monotonic within a millisecond so ids
// sort in issue order (a prediction's id adds its row, see db/queries/predictions). Randomness is
// drawn from a pooled buffer: one crypto call per 512 ids. One generator per process (on the
// runtime): two would each be monotonic, but not together.
import { randomFillSync } from 'node:crypto';
import { encodeRandom, encodeTime } from '../ulid';

export class PredictionIds {
  private readonly pool = new Uint8Array(512 * 10);
  private poolAt = this.pool.length;
  private lastMs = -1;
  /** The 80 low bits of the previous id. */
  private readonly last = new Uint8Array(10);

  next(now = Date.now()): string {
    const { pool, last } = this;
    if (now <= this.lastMs) {
      // Same millisecond (or the clock stepped back): increment the previous random part.
      for (let i = 9; i >= 0; i--) {
        if (last[i] === 255) {
          last[i] = 0;
          continue;
        }
        last[i]++;
        break;
      }
      return encodeTime(this.lastMs) + encodeRandom(last);
    }
    if (this.poolAt >= pool.length) {
      randomFillSync(pool);
      this.poolAt = 0;
    }
    last.set(pool.subarray(this.poolAt, this.poolAt + 10));
    last[0] &= 0x7f; // headroom so increments within a millisecond do not overflow
    this.poolAt += 10;
    this.lastMs = now;
    return encodeTime(now) + encodeRandom(last);
  }

  /**
   * An id carrying time `ms` for a prediction made then (imports of past predictions): its time is
   * what retention reads to tell an expired id from an unknown one. Times at or after the last id
   * issued come from `next`; an earlier time gets fresh random bits (80 of them: unique in practice).
   */
  at(ms: number): string {
    if (ms >= this.lastMs && ms <= Date.now()) return this.next(ms);
    const bytes = new Uint8Array(10);
    randomFillSync(bytes);
    return encodeTime(ms) + encodeRandom(bytes);
  }
}
