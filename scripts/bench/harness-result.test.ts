import { describe, expect, it } from 'vitest';
import { judgeHarness, parseHarness } from './harness-result';

const OUTPUT = `c1 round 1: limit [req/s p99ms errors] 6522 1.42 0 | app 3892 1.44 0 | ratio 0.597
c1 round 2: limit [req/s p99ms errors] 5127 0.79 0 | app 3591 1.42 0 | ratio 0.700
c1 round 3: limit [req/s p99ms errors] 6004 0.42 0 | app 3220 1.95 0 | ratio 0.536
c64 round 1: limit [req/s p99ms errors] 17201 7.70 0 | app 14933 10.21 0 | ratio 0.868
b100c16 round 1: limit [req/s p99ms errors] 3544 11.65 0 | app 2439 20.76 0 | ratio 0.688
serving-vs-limit c1=0.597 c64=0.740 b100c16=0.700
`;

describe('the harness output npm run bench judges', () => {
  it('reads the medians and each c1 round’s p99s, and judges floors and the tail round by round', () => {
    const r = parseHarness(OUTPUT);
    expect(r.ratios).toEqual({ c1: 0.597, c64: 0.74, b100c16: 0.7 });
    expect(r.c1Tail).toEqual([
      { limit: 1.42, app: 1.44 },
      { limit: 0.79, app: 1.42 },
      { limit: 0.42, app: 1.95 },
    ]);
    const [floors, tail] = judgeHarness(r);
    expect(floors).toBe('c1 0.597 ≥ 0.5 met; c64 0.740 ≥ 0.75 MISSED; b100c16 0.700 ≥ 0.6 met');
    // 1.95 > 2 × 0.42 + 1 = 1.84: the third round misses.
    expect(tail).toBe("c1 p99 ≤ 2× the limit's + 1 ms: 2 of 3 rounds MISSED (app/limit ms: 1.44/1.42, 1.42/0.79, 1.95/0.42)");
  });

  it('refuses output without the result line', () => {
    expect(() => parseHarness('c1 round 1: ...')).toThrow(/no result line/);
  });
});
