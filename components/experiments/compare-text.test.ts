import { describe, expect, it } from 'vitest';
import type { CompareDto, CompareSide } from '@/lib/schemas/experiments';
import { compareVerdict, formatDifference, formatValue } from './compare-text';

const side = (version: number, labeled: number, value: number | null, count = labeled): CompareSide => ({
  version,
  count,
  labeled,
  metric: { value, interval: value === null ? null : [value - 0.05, value + 0.05], labeled },
  latency_ms: { p50: 1, p95: 2, p99: 3 },
});

const dto = (over: Partial<CompareDto>): CompareDto => ({
  metric: 'accuracy',
  design: 'independent',
  a: side(3, 200, 0.8),
  b: side(4, 100, 0.9),
  difference: { value: 0.1, interval: [0.02, 0.18] },
  test: { name: 'two_proportion_z', statistic: 2.31, p_value: 0.0209, significant: true },
  agreement: null,
  series: [],
  ...over,
});

describe('compareVerdict', () => {
  it('says which version is better at the 5 % level, with the test in plain words', () => {
    const v = compareVerdict(dto({}));
    expect(v.tone).toBe('better');
    expect(v.headline).toBe('v4 is better than v3 at the 5 % level');
    expect(v.detail).toContain('Two-proportion z-test: z = 2.31, p = 0.0209');
    expect(compareVerdict(dto({ test: { name: 'two_proportion_z', statistic: 5.2, p_value: 2e-7, significant: true } })).detail).toContain(
      'z = 5.20, p < 0.0001',
    );
  });

  it('reads RMSE the other way round: a lower error is better', () => {
    const v = compareVerdict(
      dto({ metric: 'rmse', difference: { value: 0.4, interval: [0.1, 0.7] }, test: { name: 'welch_t', statistic: 2.6, p_value: 0.01, significant: true } }),
    );
    expect(v.headline).toBe('v4 is worse than v3 at the 5 % level');
  });

  it('says there is no significant difference yet, with n', () => {
    const v = compareVerdict(dto({ test: { name: 'two_proportion_z', statistic: 1.1, p_value: 0.27, significant: false } }));
    expect(v.tone).toBe('none');
    expect(v.headline).toBe('No significant difference yet (n = 200 for v3, 100 for v4)');
  });

  it('explains what is missing when there is nothing to test', () => {
    expect(compareVerdict(dto({ b: side(4, 0, null, 0), test: null, difference: null })).detail).toMatch(/^v4 served no traffic/);
    expect(compareVerdict(dto({ b: side(4, 0, null, 50), test: null, difference: null })).detail).toMatch(/^v4 has no labeled predictions/);
  });
});

describe('formats', () => {
  it('prints accuracy in percent and its differences in points', () => {
    expect(formatValue('accuracy', 0.8532)).toBe('85.3 %');
    expect(formatDifference('accuracy', 0.032)).toBe('+3.2 pts');
    expect(formatDifference('accuracy', -0.01)).toBe('−1.0 pts');
    expect(formatDifference('rmse', -0.0412)).toBe('−0.0412');
  });
});

describe('identical versions', () => {
  it('say they agree on every row instead of "not significant yet"', () => {
    const same = compareVerdict(dto({ identical: true, test: { name: 'two_proportion_z', statistic: 0.3, p_value: 0.76, significant: false } }));
    expect(same.headline).toBe('The versions agree on every row');
    expect(same.detail).toContain('same file');
    const paired = compareVerdict(
      dto({ design: 'paired', agreement: { rate: 1, n: 240 }, test: { name: 'mcnemar', statistic: 0, p_value: 1, significant: false } }),
    );
    expect(paired.headline).toBe('The versions agree on every row');
    expect(paired.detail).toContain('all 240 requests');
    expect(
      compareVerdict(dto({ design: 'paired', agreement: { rate: 0.98, n: 240 }, test: { name: 'mcnemar', statistic: 1, p_value: 0.5, significant: false } }))
        .headline,
    ).toMatch(/^No significant difference yet/);
  });
});
