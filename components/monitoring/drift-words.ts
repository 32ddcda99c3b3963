// A drift test in words, for the heatmap cell's detail: what the statistic measures, its value,
// the p-value or distance against the rule that calls drift (../shared/MONITORING.md), and PSI
// against its sample-size-calibrated critical value.
import type { FeatureDrift } from '@/lib/schemas/monitoring';

// JSON sends an infinite statistic (χ² with a category the reference never had) as null.
const sig = (v: number | null) => (v === null ? '∞' : v === 0 ? '0' : Math.abs(v) < 0.001 ? v.toExponential(1) : Number(v.toPrecision(3)).toString());
const count = (n: number) => n.toLocaleString('en-GB');

/** "p = 0.0283", or "p < 0.0001". */
export function formatPValue(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${Number(p.toPrecision(3))}`;
}

function chance(p: number): string {
  if (p < 0.0001) return 'less than once in 10 000 samples';
  const pct = p * 100;
  return `in ${pct < 1 ? pct.toPrecision(2) : Math.round(pct)} % of samples`;
}

/** The test's sentence: what it compares, its statistic, the p-value (or distance) and the verdict. */
export function driftTestSentence(d: FeatureDrift): string {
  const verdict = d.drifted ? 'drift' : 'no drift';
  switch (d.method) {
    case 'ks':
      return (
        `Kolmogorov–Smirnov test: the widest gap between the reference's and this window's cumulative distributions is D = ${sig(d.statistic)}. ` +
        `${formatPValue(d.score)}: if nothing had changed, a gap this wide would appear ${chance(d.score)}. Drift when p ≤ 0.05, so: ${verdict}.`
      );
    case 'chisquare':
      if (!Number.isFinite(d.statistic))
        return `χ² test on the category counts: a value the reference never had appeared in this window (χ² = ∞, p = 0), so: drift.`;
      return `χ² test on the category counts: χ² = ${sig(d.statistic)}, ${formatPValue(d.score)}: if nothing had changed, counts this far from the reference's shares would appear ${chance(d.score)}. Drift when p < 0.05, so: ${verdict}.`;
    case 'ztest':
      return `Z-test for two proportions: z = ${sig(d.statistic)}, ${formatPValue(d.score)}: if nothing had changed, a difference in shares this large would appear ${chance(d.score)}. Drift when p < 0.05, so: ${verdict}.`;
    case 'jensenshannon':
      return `Jensen–Shannon distance between the two distributions: ${sig(d.score)} (0 = identical, 0.83 = no overlap). Drift at 0.1 or more, so: ${verdict}.`;
    case 'wasserstein':
      return `Wasserstein distance, in reference standard deviations: ${sig(d.score)} — on average the values moved about ${sig(d.score)} standard deviations. Drift at 0.1 or more, so: ${verdict}.`;
  }
}

/** PSI against its critical value χ²(0.99; B − 1)·(1/N + 1/M), and their ratio (what the heatmap colours). */
export function psiSentence(d: FeatureDrift, bins: number, nRef: number, nCur: number): string {
  const ratio = d.psi_critical > 0 ? d.psi / d.psi_critical : Infinity;
  return (
    `PSI ${sig(d.psi)} against a critical value of ${sig(d.psi_critical)} for ${count(nRef)} reference and ${count(nCur)} current rows ` +
    `(the 99th percentile of χ² with ${bins - 1} degrees of freedom × (1/N + 1/M)): PSI ÷ critical = ${Number.isFinite(ratio) ? sig(ratio) : '∞'}, ` +
    `${ratio >= 1 ? 'above 1: a shift larger than sampling noise explains' : 'below 1: within sampling noise'}.`
  );
}

/** The heatmap legend's explanation of its colour scale. */
export const PSI_RATIO_EXPLAINED =
  'PSI ÷ critical: the Population Stability Index of the window against the reference, divided by the value PSI would reach by chance 1 time in 100 at these sample sizes (χ² at 99 % × (1/N + 1/M)). Below 1: noise; above 1: a real shift. Click a cell for the distributions.';
