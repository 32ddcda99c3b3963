// One outcome's contribution to the labeled rollup of its prediction's hour, added with sign +1
// and removed with −1 when a corrected outcome replaces it, so rollups stay exact.
import type { LabeledStats } from '../../../db/schema';
import { logLossTerm } from '../../metrics/classification';
import { bucketIndex, LAG_BUCKETS_S } from './buckets';

export const AUC_BINS = 100;

export function emptyLabeledStats(): LabeledStats {
  return { lag: new Array(LAG_BUCKETS_S.length + 1).fill(0) };
}

export type Prediction =
  | { kind: 'class'; label: string; probabilities: Record<string, number> | null; positive: string | null }
  | { kind: 'value'; value: number };

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
    const e = a.value - p.value;
    // MAPE divides by max(|y|, 1e-9) and counts the near-zero targets (../shared/MONITORING.md).
    const pct = Math.abs(e) / Math.max(Math.abs(a.value), 1e-9);
    // A non-finite term (a NaN logged before outputs were checked, squares past 1e308) would turn
    // every sum of the hour into NaN/Infinity for good: such a pair is left out of the sums, the
    // same way when it is added and when a correction removes it.
    if (!Number.isFinite(e * e) || !Number.isFinite(pct) || !Number.isFinite(a.value * a.value)) return;
    const r = (stats.reg ??= { n: 0, absErr: 0, sqErr: 0, absPctErr: 0, nearZero: 0, y: 0, y2: 0 });
    r.n += sign;
    r.absErr += sign * Math.abs(e);
    r.sqErr += sign * e * e;
    r.absPctErr += sign * pct;
    if (Math.abs(a.value) < 1e-9) r.nearZero += sign;
    r.y += sign * a.value;
    r.y2 += sign * a.value * a.value;
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
  b.lag.forEach((n, i) => { a.lag[i] = (a.lag[i] ?? 0) + n; });
  if (b.reg) {
    const r = (a.reg ??= { n: 0, absErr: 0, sqErr: 0, absPctErr: 0, nearZero: 0, y: 0, y2: 0 });
    for (const k of Object.keys(r) as (keyof typeof r)[]) r[k] += b.reg[k];
  }
  if (b.classes && b.matrix) {
    const map = b.classes.map((c) => classIndex(a, c));
    b.classes.forEach((_, i) => b.classes!.forEach((__, j) => { a.matrix![map[i]][map[j]] += b.matrix![i][j]; }));
  }
  if (b.logLossN) { a.logLossSum = (a.logLossSum ?? 0) + (b.logLossSum ?? 0); a.logLossN = (a.logLossN ?? 0) + b.logLossN; }
  if (b.logLossSqN) { a.logLossSq = (a.logLossSq ?? 0) + (b.logLossSq ?? 0); a.logLossSqN = (a.logLossSqN ?? 0) + b.logLossSqN; }
  if (b.aucPos) { a.aucPos ??= new Array(AUC_BINS).fill(0); b.aucPos.forEach((n, i) => { a.aucPos![i] += n; }); }
  if (b.aucNeg) { a.aucNeg ??= new Array(AUC_BINS).fill(0); b.aucNeg.forEach((n, i) => { a.aucNeg![i] += n; }); }
  return a;
}
