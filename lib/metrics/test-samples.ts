// Seeded pseudo-random samples for the metrics tests, so every run sees the same numbers and the
// scipy reference values computed on them stay valid.

/** mulberry32: a small 32-bit generator of uniforms in [0, 1); plenty for test data. */
export function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` draws from N(mean, sd²) by Box–Muller. */
export function normalSample(seed: number, count: number, mean = 0, sd = 1): number[] {
  const next = uniforms(seed);
  const out: number[] = [];
  while (out.length < count) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    out.push(mean + sd * r * Math.cos(theta));
    if (out.length < count) out.push(mean + sd * r * Math.sin(theta));
  }
  return out;
}
