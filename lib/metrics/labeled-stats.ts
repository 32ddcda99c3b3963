// One outcome's contribution to the labeled rollup of its prediction's hour, added with sign +1
// and removed with −1 when a corrected outcome replaces it, so rollups stay exact.
import { logLossTerm } from './classification';
import { bucketIndex, LAG_BUCKETS_S } from './buckets';
import { addRegression, emptyRegressionSums, mergeRegression, type RegressionSums } from './regression';

/** A version's labeled statistics for one hour (the rollup's JSON column), kept exact under corrections. */
export interface LabeledStats {
  /** Classification: confusion counts matrix[actual][predicted] over `classes`. */
  classes?: string[];
  matrix?: number[][];
  logLossSum?: number;
  logLossN?: number;
  /** Σ of squared log-loss terms and how many terms it holds (hours rolled up before it existed lack it). */
  logLossSq?: number;
  logLossSqN?: number;
  /** Binary: counts of the positive-class probability in 100 equal bins, by actual class. */
  aucPos?: number[];
  aucNeg?: number[];
  /** Regression sums (see ./regression). */
  reg?: RegressionSums;
  /** Label lag (outcome time − prediction time) counts over LAG_BUCKETS_S (+1 overflow). */
  lag: number[];
}

export const AUC_BINS = 100;

export function emptyLabeledStats(): LabeledStats {
  return { lag: new Array(LAG_BUCKETS_S.length + 1).fill(0) };
}

export type Prediction =
  { kind: 'class'; label: string; probabilities: Record<string, number> | null; positive: string | null } | { kind: 'value'; value: number };

export type Actual = { kind: 'class'; label: string } | { kind: 'value'; value: number };

function classIndex(stats: LabeledStats, label: string): number {
  stats.classes ??= [];
  stats.matrix ??= [];
  let i = stats.classes.indexOf(label);
  if (i < 0) {
    i = stats.classes.length;
    stats.classes.push(label);
    for (const row of stats.matrix) row.push(0);
    stats.matrix.push(new Array(stats.classes.length).fill(0));
  }
  return i;
}

export function addOutcome(stats: LabeledStats, p: Prediction, a: Actual, lagMs: number, sign: 1 | -1): void {
  stats.lag[bucketIndex(Math.max(0, lagMs) / 1000, LAG_BUCKETS_S)] += sign;
  if (p.kind === 'value' && a.kind === 'value') {
    // MAPE divides by max(|y|, 1e-9) and counts the near-zero targets (./README.md); the same sums
    // the regression metrics read, non-finite pairs left out (see addRegression).
    const reg = stats.reg ?? emptyRegressionSums();
    if (addRegression(reg, a.value, p.value, sign)) stats.reg = reg;
    return;
  }
  if (p.kind !== 'class' || a.kind !== 'class') return;
  const ai = classIndex(stats, a.label);
  const pi = classIndex(stats, p.label);
  stats.matrix![ai][pi] += sign;
  if (p.probabilities) {
    const pa = p.probabilities[a.label];
    if (pa !== undefined && Number.isFinite(pa)) {
      const term = logLossTerm(pa);
      stats.logLossSum = (stats.logLossSum ?? 0) + sign * term;
      stats.logLossN = (stats.logLossN ?? 0) + sign;
      stats.logLossSq = (stats.logLossSq ?? 0) + sign * term * term;
      stats.logLossSqN = (stats.logLossSqN ?? 0) + sign;
    }
    if (p.positive !== null && Number.isFinite(p.probabilities[p.positive]) && Object.keys(p.probabilities).length === 2) {
      const bin = Math.min(AUC_BINS - 1, Math.floor(p.probabilities[p.positive] * AUC_BINS));
      const side = a.label === p.positive ? (stats.aucPos ??= new Array(AUC_BINS).fill(0)) : (stats.aucNeg ??= new Array(AUC_BINS).fill(0));
      side[bin] += sign;
    }
  }
}

/** Adds `b` into `a` (both rollup stats of one version). */
export function mergeLabeledStats(a: LabeledStats, b: LabeledStats): LabeledStats {
  b.lag.forEach((n, i) => {
    a.lag[i] = (a.lag[i] ?? 0) + n;
  });
  if (b.reg) a.reg = mergeRegression(a.reg ?? emptyRegressionSums(), b.reg);
  if (b.classes && b.matrix) {
    const map = b.classes.map((c) => classIndex(a, c));
    b.classes.forEach((_, i) =>
      b.classes!.forEach((__, j) => {
        a.matrix![map[i]][map[j]] += b.matrix![i][j];
      }),
    );
  }
  if (b.logLossN) {
    a.logLossSum = (a.logLossSum ?? 0) + (b.logLossSum ?? 0);
    a.logLossN = (a.logLossN ?? 0) + b.logLossN;
  }
  if (b.logLossSqN) {
    a.logLossSq = (a.logLossSq ?? 0) + (b.logLossSq ?? 0);
    a.logLossSqN = (a.logLossSqN ?? 0) + b.logLossSqN;
  }
  if (b.aucPos) {
    a.aucPos ??= new Array(AUC_BINS).fill(0);
    b.aucPos.forEach((n, i) => {
      a.aucPos![i] += n;
    });
  }
  if (b.aucNeg) {
    a.aucNeg ??= new Array(AUC_BINS).fill(0);
    b.aucNeg.forEach((n, i) => {
      a.aucNeg![i] += n;
    });
  }
  return a;
}
