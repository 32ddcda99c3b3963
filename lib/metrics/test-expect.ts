// Assertions for the metrics tests: a number against a known answer to exactly the digits it
// shows, or against a reference value printed in full by scipy.
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
