// The comparison in words: the test by its plain name, the verdict sentence, and the number formats
// of the page (accuracy in percent, its differences in percentage points).
import type { CompareDto } from '@/lib/schemas/experiments';
import { formatMetric } from '@/components/monitoring/series';

type Metric = CompareDto['metric'];
type TestName = NonNullable<CompareDto['test']>['name'];

export const METRIC_NAMES: Record<Metric, string> = { accuracy: 'Accuracy', rmse: 'RMSE' };

/** Accuracy rises when better; RMSE falls. */
export const higherIsBetter = (metric: Metric) => metric === 'accuracy';

/** Each test's name, its statistic's symbol, and one sentence on what it looks at. */
export const TEST_INFO: Record<TestName, { title: string; symbol: string; about: string }> = {
  two_proportion_z: {
    title: 'Two-proportion z-test',
    symbol: 'z',
    about: 'Each request went to one version (a split), so the two groups are independent: the two-proportion z-test compares their shares of correct answers.',
  },
  mcnemar: {
    title: 'McNemar’s test',
    // χ² with 25 or more discordant pairs, the smaller discordant count (exact binomial) below.
    symbol: 'statistic',
    about:
      'Both versions scored the same requests (a shadow), so the test is paired: McNemar’s test looks only at the requests where exactly one of the two was right.',
  },
  welch_t: {
    title: 'Welch’s t-test',
    symbol: 't',
    about:
      'Each request went to one version (a split), so the two groups are independent: Welch’s t-test compares their squared errors without assuming they vary alike.',
  },
  paired_t: {
    title: 'Paired t-test',
    symbol: 't',
    about: 'Both versions scored the same requests (a shadow), so the test is paired: it compares the two squared errors request by request.',
  },
};

export function formatValue(metric: Metric, v: number): string {
  return metric === 'accuracy' ? `${(v * 100).toFixed(1)} %` : formatMetric(v);
}

/** A signed difference: "+3.2 pts" (accuracy, percentage points) or "−0.041" (RMSE). */
export function formatDifference(metric: Metric, v: number): string {
  const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
  return metric === 'accuracy' ? `${sign}${Math.abs(v * 100).toFixed(1)} pts` : `${sign}${formatMetric(Math.abs(v))}`;
}

/** "p = 0.0213", or "p < 0.0001" where four decimals would print zero. */
export function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`;
}

export function formatStatistic(v: number): string {
  return v.toFixed(2);
}

export type VerdictTone = 'better' | 'worse' | 'none' | 'insufficient';

export interface CompareVerdict {
  tone: VerdictTone;
  headline: string;
  detail: string;
}

/** The one sentence a reader takes away, and why. */
export function compareVerdict(dto: CompareDto): CompareVerdict {
  const { a, b, metric } = dto;
  const va = `v${a.version}`;
  const vb = `v${b.version}`;
  // Identical models are not "not significant yet": there is no difference to find.
  if (dto.identical) {
    return {
      tone: 'none',
      headline: 'The versions agree on every row',
      detail: `${va} and ${vb} are the same file (same sha256): they give the same answer to every request, so there is nothing to test.`,
    };
  }
  if (dto.agreement && dto.agreement.n > 0 && dto.agreement.rate === 1) {
    return {
      tone: 'none',
      headline: 'The versions agree on every row',
      detail: `${va} and ${vb} gave the same ${metric === 'accuracy' ? 'label' : 'value'} to all ${dto.agreement.n.toLocaleString('en-GB')} requests both scored: no request tells them apart, so a test has nothing to look at.`,
    };
  }
  if (!dto.test || !dto.difference) {
    const missing = [a, b].filter((s) => s.labeled === 0);
    const idle = [a, b].filter((s) => s.count === 0);
    const detail =
      idle.length > 0
        ? `${idle.map((s) => `v${s.version}`).join(' and ')} served no traffic in this range: put ${idle.length > 1 ? 'them' : 'it'} in production’s split or in shadow, or widen the range.`
        : missing.length > 0
          ? `${missing.map((s) => `v${s.version}`).join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no labeled predictions yet: the comparison needs outcomes (POST /api/v1/outcomes) for both versions’ predictions.`
          : `Both versions need more labeled predictions before a test is meaningful (${va}: ${a.labeled.toLocaleString('en-GB')}, ${vb}: ${b.labeled.toLocaleString('en-GB')}).`;
    return { tone: 'insufficient', headline: 'Not enough labeled traffic to compare yet', detail };
  }
  const n =
    dto.design === 'paired'
      ? `n = ${b.labeled.toLocaleString('en-GB')} labeled requests scored by both`
      : `n = ${a.labeled.toLocaleString('en-GB')} for ${va}, ${b.labeled.toLocaleString('en-GB')} for ${vb}`;
  const info = TEST_INFO[dto.test.name];
  const stat = `${info.title}: ${info.symbol} = ${formatStatistic(dto.test.statistic)}, ${formatP(dto.test.p_value)}`;
  if (!dto.test.significant) {
    return {
      tone: 'none',
      headline: `No significant difference yet (${n})`,
      detail: `${stat}. The 95 % interval of the difference still includes zero; more labeled traffic narrows it.`,
    };
  }
  const d = dto.difference.value;
  const better = higherIsBetter(metric) ? d > 0 : d < 0;
  return {
    tone: better ? 'better' : 'worse',
    headline: `${vb} is ${better ? 'better' : 'worse'} than ${va} at the 5 % level`,
    detail: `${stat} (${n}). ${METRIC_NAMES[metric]} ${formatDifference(metric, d)} for ${vb}.`,
  };
}
