// 95 % intervals for the metrics that are not plain proportions (those get Wilson): ROC AUC by
// Hanley & McNeil's standard error, means (log loss, MAE) by the normal approximation, and the
// F1/macro scores by a Poisson bootstrap of the confusion matrix. Pure and deterministic.
import { seededRandom } from '../random';
import { classificationMetrics } from './classification';
import { Z95 } from './intervals';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * ROC AUC ± z·SE with SE² = [A(1−A) + (n₊−1)(Q₁−A²) + (n₋−1)(Q₂−A²)] / (n₊n₋), Q₁ = A/(2−A),
 * Q₂ = 2A²/(1+A) (Hanley & McNeil 1982, eq. 2), clipped to [0, 1]. Null without both classes.
 * Known: A = 0.75, 50 positives, 50 negatives → SE = 0.0488365.
 */
export function aucInterval(auc: number | null, nPos: number, nNeg: number, z = Z95): [number, number] | null {
  if (auc === null || nPos <= 0 || nNeg <= 0) return null;
  const se = aucStandardError(auc, nPos, nNeg);
  return [clamp01(auc - z * se), clamp01(auc + z * se)];
}

export function aucStandardError(a: number, nPos: number, nNeg: number): number {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const v = (a * (1 - a) + (nPos - 1) * (q1 - a * a) + (nNeg - 1) * (q2 - a * a)) / (nPos * nNeg);
  return Math.sqrt(Math.max(0, v));
}

/**
 * The mean of n values (given Σx and Σx²) ± z·s/√n, s the sample standard deviation; null below 2
 * values. Lower bound floored at `min` (losses and absolute errors are never negative).
 */
export function meanInterval(n: number, sum: number, sumSq: number, min = -Infinity, z = Z95): [number, number] | null {
  if (!(n >= 2)) return null;
  const mean = sum / n;
  const variance = Math.max(0, (sumSq - (sum * sum) / n) / (n - 1));
  const half = z * Math.sqrt(variance / n);
  return [Math.max(min, mean - half), mean + half];
}

/** A Poisson(λ) draw: Knuth's product for small λ, the normal approximation (rounded, ≥ 0) above 30. */
function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = random();
    while (p > limit) {
      k++;
      p *= random();
    }
    return k;
  }
  const u = 1 - random();
  const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * g));
}

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];

/** Confusion matrices above this many classes get no bootstrap (k² draws per replicate). */
export const BOOTSTRAP_MAX_CLASSES = 8;
export const BOOTSTRAP_REPLICATES = 200;

/**
 * Percentile intervals (2.5 %, 97.5 %) of macro F1/precision/recall and each class's F1, from
 * `reps` Poisson-bootstrap replicates of the confusion matrix: every cell redrawn as Poisson(its
 * count), the same as resampling rows with Poisson(1) weights (Hanley & MacGibbon 2006), at a cost
 * of k² draws a replicate whatever the number of rows. Seeded, so a window always gets the same
 * interval. A metric undefined in more than half of the replicates gets null.
 */
export function bootstrapConfusionIntervals(
  classes: string[],
  matrix: number[][],
  reps = BOOTSTRAP_REPLICATES,
  seed = 0x5eed,
): Record<string, [number, number] | null> {
  const keys = ['macro_f1', 'macro_precision', 'macro_recall', ...classes.map((c) => `f1.${c}`)];
  const out: Record<string, [number, number] | null> = Object.fromEntries(keys.map((k) => [k, null]));
  if (classes.length === 0 || classes.length > BOOTSTRAP_MAX_CLASSES) return out;
  const random = seededRandom(seed);
  const samples: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (let r = 0; r < reps; r++) {
    const m = matrix.map((row) => row.map((n) => poisson(n, random)));
    const c = classificationMetrics({ classes, matrix: m });
    const push = (k: string, v: number | null) => {
      if (v !== null) samples[k].push(v);
    };
    push('macro_f1', c.macro_f1);
    push('macro_precision', c.macro_precision);
    push('macro_recall', c.macro_recall);
    for (const cls of classes) push(`f1.${cls}`, c.per_class[cls].f1);
  }
  for (const k of keys) {
    const s = samples[k];
    if (s.length * 2 < reps) continue;
    s.sort((a, b) => a - b);
    out[k] = [percentile(s, 0.025), percentile(s, 0.975)];
  }
  return out;
}
