// Weighted choice of a version in a traffic split: sticky per client id through a hash of
// (model, alias, client id) onto [0, 1), random otherwise. Pure.

/** Cumulative shares of the weights (any positive sum), the last exactly 1. */
export function cumulativeShares(weights: number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w;
    out[i] = acc / total;
  });
  out[out.length - 1] = 1;
  return out;
}

/** The entry whose cumulative share first exceeds u ∈ [0, 1). */
export function pickIndex(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]) return i;
  return cumulative.length - 1;
}

/**
 * A string onto [0, 1): FNV-1a over its UTF-16 code units, then murmur3's 32-bit finalizer so that
 * ids differing in one character land far apart. Stable across processes and releases.
 */
export function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The hash key of a client in a split: the same client may land differently in another model or alias. */
export const splitKey = (model: string, alias: string, clientId: string) => `${model}\u0000${alias}\u0000${clientId}`;

/** The client id a request routes by: the x-client-id header, else the first of the body's `ids`. */
export function requestClientId(header: string | string[] | undefined | null, body: unknown): string | null {
  if (typeof header === 'string' && header.length > 0) return header;
  if (Array.isArray(header) && header.length > 0) return header[0];
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const ids = (body as { ids?: unknown }).ids;
    if (Array.isArray(ids) && ids.length > 0 && (typeof ids[0] === 'string' || typeof ids[0] === 'number')) return String(ids[0]);
  }
  return null;
}
