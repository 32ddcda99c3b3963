// ULIDs (https://github.com/ulid/spec): 48-bit millisecond time + 80 random bits in Crockford's
// base32, so ids sort by creation time. The runtime's monotonic generator (lib/runtime/ids.ts) and
// the outbox's delivery ids (db/queries/webhooks.ts) share this encoding. Pure.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function encodeTime(ms: number): string {
  let out = '';
  for (let i = 9; i >= 0; i--) {
    const mod = ms % 32;
    out = ALPHABET[mod] + out;
    ms = (ms - mod) / 32;
  }
  return out;
}

export function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 base32 characters, 5 bits at a time from the most significant end.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** A fresh ULID (not monotonic within a millisecond: for ids that only need to be unique and roughly time-ordered). */
export function ulid(now = Date.now()): string {
  return encodeTime(now) + encodeRandom(randomFillSync(new Uint8Array(10)));
}
