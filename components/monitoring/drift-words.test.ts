// Drift tests in words: the KS and χ² sentences with the p-value against their rule, distances
// against 0.1, PSI against its critical value (K8: N = M = 1000, 10 bins → 0.04333).
import { describe, expect, it } from 'vitest';
import type { FeatureDrift } from '@/lib/schemas/monitoring';
import { driftTestSentence, formatPValue, psiSentence } from './drift-words';

const d = (over: Partial<FeatureDrift>): FeatureDrift => ({
  method: 'ks',
  score: 0.5,
  statistic: 0.1,
  drifted: false,
  psi: 0.02,
  psi_critical: 0.04333,
  ...over,
});

describe('driftTestSentence', () => {
  it('KS: the statistic, the p-value, how often by chance, and the rule', () => {
    const s = driftTestSentence(d({ statistic: 0.5, score: 0.167821 }));
    expect(s).toContain('D = 0.5');
    expect(s).toContain('p = 0.168');
    expect(s).toContain('17 % of samples');
    expect(s).toContain('Drift when p ≤ 0.05, so: no drift.');
    expect(driftTestSentence(d({ statistic: 0.3, score: 2e-9, drifted: true }))).toContain(
      'p < 0.0001: if nothing had changed, a gap this wide would appear less than once in 10 000 samples. Drift when p ≤ 0.05, so: drift.',
    );
  });

  it('χ² (K2), an unseen category, and the distances', () => {
    expect(driftTestSentence(d({ method: 'chisquare', statistic: 28, score: 8.31529e-7, drifted: true }))).toMatch(/χ² = 28, p < 0\.0001.*so: drift\./);
    expect(driftTestSentence(d({ method: 'chisquare', statistic: Infinity, score: 0, drifted: true }))).toContain('never had appeared');
    expect(driftTestSentence(d({ method: 'wasserstein', score: 0.707107, statistic: 0.707107, drifted: true }))).toContain('about 0.707 standard deviations');
    expect(driftTestSentence(d({ method: 'jensenshannon', score: 0.05, statistic: 0.05 }))).toContain('Drift at 0.1 or more, so: no drift.');
  });

  it('formats p-values', () => {
    expect(formatPValue(0.0284597)).toBe('p = 0.0285');
    expect(formatPValue(0.00001)).toBe('p < 0.0001');
  });
});

describe('psiSentence', () => {
  it('PSI 0.24 over the K8 critical value is a ratio of 5.54, above 1', () => {
    const s = psiSentence(d({ psi: 0.240795, psi_critical: 0.04333 }), 10, 1000, 1000);
    expect(s).toContain('critical value of 0.0433 for 1,000 reference and 1,000 current rows');
    expect(s).toContain('9 degrees of freedom');
    expect(s).toContain('PSI ÷ critical = 5.56, above 1');
    expect(psiSentence(d({ psi: 0.01, psi_critical: 0.04333 }), 10, 1000, 1000)).toContain('below 1: within sampling noise');
  });
});
