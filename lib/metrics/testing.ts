// Helpers for the metrics tests: seeded samples (so the scipy reference values computed on them
// stay valid) and comparison of a number with a known answer to exactly the digits it shows.
import { expect } from 'vitest';

/**
 * Asserts that `actual`, rounded like `shown` ('0.711171', '8.31529e-07', '28.0'), reads `shown`:
 * "exact to the digits shown" as MONITORING.md states its answers.
 */
export function expectDigits(actual: number, shown: string): void {
  const match = /^(-?\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(shown);
  if (!match) throw new Error(`not a number as shown: ${shown}`);
  const decimals = match[2]?.length ?? 0;
  // JS writes exponents as e-7 / e+5: bring the shown one to that form before comparing.
  const expected = shown.replace(/e([+-]?)0*(\d+)$/, (_, sign: string, digits: string) => `e${sign === '-' ? '-' : '+'}${digits}`);
  const rounded = match[3] === undefined ? actual.toFixed(decimals) : actual.toExponential(decimals);
  expect(rounded, `${actual} read to the digits of ${shown}`).toBe(expected);
}

/** Asserts |actual − expected| ≤ rel·|expected|: for reference values printed by scipy in full. */
export function expectClose(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

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
