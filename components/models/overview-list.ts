// The overview's search, filter by verdict state and sort, over the page of models the list API
// answered (at most 200): pure, so the rules are tested without a browser.
import { badgeState, type VerdictBadgeState } from '@/components/monitoring/verdict-words';
import type { ModelSummaryDto } from '@/lib/schemas/registry';

export type SortKey = 'attention' | 'name' | 'traffic' | 'recent' | 'updated';

export const SORTS: { value: SortKey; label: string }[] = [
  { value: 'attention', label: 'Needs attention first' },
  { value: 'name', label: 'Name' },
  { value: 'traffic', label: 'Most predictions (7 days)' },
  { value: 'recent', label: 'Latest prediction' },
  { value: 'updated', label: 'Recently updated' },
];

/** Most urgent first. */
const URGENCY: VerdictBadgeState[] = ['needs_retraining', 'watch', 'insufficient_labels', 'no_labels', 'pending', 'healthy', 'not_served'];

export const stateOf = (m: Pick<ModelSummaryDto, 'verdict' | 'aliases'>): VerdictBadgeState =>
  badgeState(m.verdict ? { state: m.verdict.state, first_label: m.verdict.first_label } : null, m.aliases.production !== undefined);

export function overviewRows(models: ModelSummaryDto[], q: { search: string; state: VerdictBadgeState | 'all'; sort: SortKey }): ModelSummaryDto[] {
  const needle = q.search.trim().toLowerCase();
  const rows = models.filter(
    (m) => (q.state === 'all' || stateOf(m) === q.state) && (!needle || m.name.toLowerCase().includes(needle) || m.description.toLowerCase().includes(needle)),
  );
  const byName = (a: ModelSummaryDto, b: ModelSummaryDto) => a.name.localeCompare(b.name);
  const time = (iso: string | null) => (iso ? Date.parse(iso) : -Infinity);
  const compare: Record<SortKey, (a: ModelSummaryDto, b: ModelSummaryDto) => number> = {
    attention: (a, b) => URGENCY.indexOf(stateOf(a)) - URGENCY.indexOf(stateOf(b)) || byName(a, b),
    name: byName,
    traffic: (a, b) => b.traffic.last_7_days - a.traffic.last_7_days || byName(a, b),
    recent: (a, b) => time(b.traffic.last_prediction_at) - time(a.traffic.last_prediction_at) || byName(a, b),
    updated: (a, b) => time(b.updated_at) - time(a.updated_at) || byName(a, b),
  };
  return [...rows].sort(compare[q.sort]);
}

/** The states present among the models, most urgent first, for the filter. */
export const statesPresent = (models: ModelSummaryDto[]) => URGENCY.filter((s) => models.some((m) => stateOf(m) === s));
