// Classification metrics for one monitoring window: confusion-matrix metrics, ROC AUC (raw or from
// probability histograms) and log loss. Anything a window cannot define is null, never NaN.

export interface Confusion {
  classes: string[];
  /** matrix[actual][predicted] counts, classes.length × classes.length. */
  matrix: number[][];
}

export interface ClassMetrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
}

export interface ClassificationMetrics {
  n: number;
  correct: number;
  accuracy: number | null;
  per_class: Record<string, ClassMetrics>;
  macro_precision: number | null;
  macro_recall: number | null;
  macro_f1: number | null;
}

/**
 * Per-class and macro metrics from a confusion matrix.
 * - precision = TP / predicted: null when the class was never predicted.
 * - recall = TP / support: null when the class never occurred.
 * - F1 = 2TP / (2TP + FP + FN) (the harmonic mean of precision and recall where both exist, as
 *   scikit-learn ≥ 1.3 computes it): 0 for a class that occurred but was never predicted, or was
 *   predicted but never occurred; null only when the class is absent from both sides.
 * - Macro averages are unweighted means over the classes where that metric is defined (not null);
 *   null when it is defined for none. scikit-learn instead counts an undefined precision as 0
 *   (zero_division=0); we leave it out, so a window in which a class was never predicted is
 *   judged on the classes it did predict, and the miss shows in recall and F1.
 */
export function classificationMetrics(c: Confusion): ClassificationMetrics {
  const k = c.classes.length;
  if (c.matrix.length !== k || c.matrix.some((row) => row.length !== k)) {
    throw new RangeError(`confusion matrix must be ${k}×${k}`);
  }
  const rowSums = c.matrix.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = c.classes.map((_, j) => c.matrix.reduce((s, row) => s + row[j], 0));
  const n = rowSums.reduce((s, v) => s + v, 0);
  const correct = c.matrix.reduce((s, row, i) => s + row[i], 0);

  const per_class: Record<string, ClassMetrics> = {};
  c.classes.forEach((name, i) => {
    const tp = c.matrix[i][i];
    const support = rowSums[i];
    const predicted = colSums[i];
    const f1Denom = support + predicted; // = 2TP + FN + FP
    per_class[name] = {
      precision: predicted > 0 ? tp / predicted : null,
      recall: support > 0 ? tp / support : null,
      f1: f1Denom > 0 ? (2 * tp) / f1Denom : null,
      support,
    };
  });
  const all = Object.values(per_class);
  return {
    n,
    correct,
    accuracy: n > 0 ? correct / n : null,
    per_class,
    macro_precision: meanDefined(all.map((m) => m.precision)),
    macro_recall: meanDefined(all.map((m) => m.recall)),
    macro_f1: meanDefined(all.map((m) => m.f1)),
  };
}

function meanDefined(values: (number | null)[]): number | null {
  const defined = values.filter((v): v is number => v !== null);
  return defined.length > 0 ? defined.reduce((s, v) => s + v, 0) / defined.length : null;
}

/**
 * ROC AUC as the Mann–Whitney U statistic over midranks: the probability that a random positive
 * scores above a random negative, ties counting half. Exact, O(n log n); null when either class
 * is missing. Scores must be finite (NaN has no rank).
 */
export function rocAuc(scores: number[], positives: boolean[]): number | null {
  if (scores.length !== positives.length) throw new RangeError('scores and positives differ in length');
  const nPos = positives.filter(Boolean).length;
  const nNeg = positives.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const midrank = (start + end) / 2 + 1; // 1-based ranks start+1..end+1
    for (let i = start; i <= end; i++) if (positives[order[i]]) rankSumPos += midrank;
    start = end + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * ROC AUC from histograms of the positive-class probability (equal-width bins on [0, 1], lowest
 * first) of the actual positives and negatives: every pair in different bins is ordered by its
 * bins, pairs in one bin count half. Equals rocAuc on scores rounded to their bins' midpoints,
 * so it is exact when no two differing scores share a bin; null when either side is empty.
 */
export function aucFromHistograms(positive: number[], negative: number[]): number | null {
  if (positive.length !== negative.length) throw new RangeError('histograms differ in length');
  const nPos = positive.reduce((s, v) => s + v, 0);
  const nNeg = negative.reduce((s, v) => s + v, 0);
  if (nPos === 0 || nNeg === 0) return null;
  let negBelow = 0;
  let pairs = 0;
  for (let i = 0; i < positive.length; i++) {
    pairs += positive[i] * (negBelow + negative[i] / 2);
    negBelow += negative[i];
  }
  return pairs / (nPos * nNeg);
}

/** Probabilities are clipped to [ε, 1 − ε] before the log, as scikit-learn did (eps=1e-15). */
export const LOG_LOSS_EPS = 1e-15;

/** One row's log loss, −ln p, where p is the probability the model gave the actual class. */
export function logLossTerm(pActual: number): number {
  return -Math.log(Math.min(1 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, pActual)));
}

/** Mean log loss over rows; null for no rows. */
export function logLoss(pActual: number[]): number | null {
  if (pActual.length === 0) return null;
  return pActual.reduce((s, p) => s + logLossTerm(p), 0) / pActual.length;
}
