// The verdict in words, one table for every page (overview, model page, monitoring): its badge
// label and colour, and the banner's sentences built from the verdict's own numbers, so a healthy
// verdict never claims stable inputs while features drifted.
import { metricLabel } from '@/lib/metrics/catalog';
import type { Policy, VerdictDto, VerdictState } from '@/lib/schemas/monitoring';

/** The API's states, plus: no outcomes at all yet; production but not judged yet; no production version. */
export type VerdictBadgeState = VerdictState | 'no_labels' | 'pending' | 'not_served';
export type Tone = 'red' | 'amber' | 'neutral' | 'green';

export const VERDICT_BADGES: Record<VerdictBadgeState, { label: string; tone: Tone }> = {
  needs_retraining: { label: 'Needs retraining', tone: 'red' },
  watch: { label: 'Watch', tone: 'amber' },
  insufficient_labels: { label: 'Too few labels', tone: 'neutral' },
  no_labels: { label: 'No labels yet', tone: 'neutral' },
  healthy: { label: 'Healthy', tone: 'green' },
  pending: { label: 'Not judged yet', tone: 'neutral' },
  not_served: { label: 'No production version', tone: 'neutral' },
};

/** Too few labels with none ever reported is "no labels yet": grey, not an alarm. */
export function badgeState(v: Pick<VerdictDto, 'state' | 'first_label'> | null, served = true): VerdictBadgeState {
  if (!v) return served ? 'pending' : 'not_served';
  if (v.state === 'insufficient_labels' && v.first_label === null) return 'no_labels';
  return v.state;
}

const pct = (x: number) => `${Math.round(x * 100)} %`;
const WINDOW = { day: 'daily', hour: 'hourly' } as const;

/** "5 of 30 features drifted in the latest daily window, below the 50 % share that flags dataset drift." */
export function driftSentence(v: Pick<VerdictDto, 'drift' | 'bucket'>): string | null {
  const d = v.drift;
  if (!d) return null;
  const where = `in the latest ${WINDOW[v.bucket]} window`;
  if (d.drifted === 0) return `No feature drifted ${where} (${d.features} watched).`;
  const of = `${d.drifted} of ${d.features} feature${d.features === 1 ? '' : 's'} drifted ${where}`;
  return d.share >= d.threshold
    ? `${of}: ${pct(d.share)}, at or above the ${pct(d.threshold)} share that flags dataset drift.`
    : `${of}, below the ${pct(d.threshold)} share that flags dataset drift.`;
}

/** The banner's summary: what the state means for this model, in sentences that agree with its numbers. */
export function verdictSummary(v: VerdictDto, policy: Pick<Policy, 'min_labeled' | 'consecutive'>): string {
  const metric = metricLabel(v.metric).toLowerCase();
  const windows = `${WINDOW[v.bucket]} windows`;
  const drift = driftSentence(v);
  switch (badgeState(v)) {
    case 'needs_retraining':
      return `Live ${metric} has been past the threshold for ${policy.consecutive} consecutive ${windows} or more: more than noise.${drift ? ` ${drift}` : ''}`;
    case 'watch':
      return `Something moved (a bad window, or drift in the inputs or predictions); not enough to flag yet.${drift ? ` ${drift}` : ''}`;
    case 'no_labels':
      return `No outcomes have been reported for v${v.version} yet, so live ${metric} cannot be judged. Send them with POST /api/v1/outcomes or the Outcomes card on the model page; drift is watched meanwhile.${drift ? ` ${drift}` : ''}`;
    case 'insufficient_labels':
      return `${v.labeled.toLocaleString('en-GB')} labeled rows in the last ${v.lookback} ${windows}; a window needs ${policy.min_labeled} to be judged.${drift ? ` ${drift}` : ''}`;
    default:
      return `Live ${metric} is within tolerance of the baseline.${drift ? ` ${drift}` : ' No reference sample to judge the inputs against.'}`;
  }
}

/** The one line shown beside a badge: the first reason, or for no labels yet, that outcomes are awaited (not an alarm). */
export function verdictLine(
  v: Pick<VerdictDto, 'state' | 'first_label' | 'version'> & { reasons?: { message: string }[]; reason?: string | null },
): string | null {
  if (badgeState(v) === 'no_labels') return `No outcomes reported for v${v.version} yet.`;
  return v.reasons?.[0]?.message ?? v.reason ?? null;
}
