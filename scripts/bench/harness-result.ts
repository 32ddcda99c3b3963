// What `npm run bench` reads from the shared harness's output (scripts/bench/harness/serving-vs-limit.sh):
// the medians of its last line against issue 13's floors, and the tail condition at concurrency 1
// (the app's p99 at most twice the limit's plus 1 ms), round by round.

export const FLOORS = { c1: 0.5, c64: 0.75, b100c16: 0.6 } as const;

export interface HarnessResult {
  ratios: Record<keyof typeof FLOORS, number>;
  /** Per c1 round: the limit's and the app's p99 (ms). */
  c1Tail: { limit: number; app: number }[];
}

export function parseHarness(stdout: string): HarnessResult {
  const last = /serving-vs-limit c1=([\d.]+) c64=([\d.]+) b100c16=([\d.]+)/.exec(stdout);
  if (!last) throw new Error('the harness printed no result line');
  const c1Tail = [...stdout.matchAll(/^c1 round \d+: limit \[req\/s p99ms errors\] [\d.]+ ([\d.]+) \d+ \| app [\d.]+ ([\d.]+) \d+/gm)].map((m) => ({
    limit: Number(m[1]),
    app: Number(m[2]),
  }));
  return { ratios: { c1: Number(last[1]), c64: Number(last[2]), b100c16: Number(last[3]) }, c1Tail };
}

/** The summary lines `npm run bench` prints after the harness's own. */
export function judgeHarness(r: HarnessResult): string[] {
  const floors = (Object.keys(FLOORS) as (keyof typeof FLOORS)[]).map(
    (k) => `${k} ${r.ratios[k].toFixed(3)} ≥ ${FLOORS[k]} ${r.ratios[k] >= FLOORS[k] ? 'met' : 'MISSED'}`,
  );
  const held = r.c1Tail.filter((t) => t.app <= 2 * t.limit + 1).length;
  const rounds = r.c1Tail.map((t) => `${t.app.toFixed(2)}/${t.limit.toFixed(2)}`).join(', ');
  const tail = `c1 p99 ≤ 2× the limit's + 1 ms: ${held} of ${r.c1Tail.length} rounds ${held === r.c1Tail.length && held > 0 ? 'met' : 'MISSED'} (app/limit ms: ${rounds})`;
  return [floors.join('; '), tail];
}
