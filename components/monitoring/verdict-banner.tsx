// The retraining verdict: its state in colour, every reason with its numbers and since when, and
// the most drifted features ranked.
import { formatTick, formatWindow, type TimeUnit } from '@/components/charts/time';
import { cn } from '@/components/ui/cn';
import type { MonitoringDto, VerdictState } from '@/lib/schemas/monitoring';
import { formatMetric, METHOD_LABELS, METRIC_LABELS, thresholdOf, type DriftedFeature } from './series';

const STATES: Record<VerdictState, { label: string; box: string; dot: string; title: string; summary: string }> = {
  needs_retraining: {
    label: 'Needs retraining',
    box: 'border-red-300 bg-red-50',
    dot: 'bg-red-600',
    title: 'text-red-900',
    summary: 'The live metric is past the threshold for enough consecutive windows to rule out noise.',
  },
  watch: {
    label: 'Watch',
    box: 'border-amber-300 bg-amber-50',
    dot: 'bg-amber-500',
    title: 'text-amber-900',
    summary: 'Something moved (one bad window, or drift in the inputs or predictions); not enough to flag yet.',
  },
  insufficient_labels: {
    label: 'Insufficient labels',
    box: 'border-slate-300 bg-slate-50',
    dot: 'bg-slate-500',
    title: 'text-slate-900',
    summary: 'Too few outcomes have arrived to judge the live metric. Post outcomes to /api/v1/outcomes.',
  },
  healthy: {
    label: 'Healthy',
    box: 'border-emerald-300 bg-emerald-50',
    dot: 'bg-emerald-600',
    title: 'text-emerald-900',
    summary: 'The live metric is within tolerance of the baseline and the inputs are stable.',
  },
};

const BASELINE_SOURCES: Record<string, string> = { offline: 'offline metric given at upload', first_window: 'first labeled window' };

const REASON_LABELS: Record<string, string> = { dataset_drift: 'share of features drifted', prediction_drift: 'prediction drift distance' };
const fmt = (metric: string, v: number) => (metric === 'dataset_drift' ? `${Math.round(v * 100)}%` : formatMetric(v));

export function VerdictBanner({ data, drifted }: { data: MonitoringDto; drifted: { features: DriftedFeature[]; source: 'verdict' | 'latest' } }) {
  const { features } = drifted;
  const { status, baseline, policy } = data;
  const s = STATES[status.state];
  const unit: TimeUnit = data.bucket;
  const metric = METRIC_LABELS[policy.metric] ?? policy.metric;
  const threshold = thresholdOf(policy, baseline.value);
  return (
    <section aria-label="Verdict" data-testid="verdict" data-state={status.state} className={cn('rounded-lg border px-5 py-4', s.box)}>
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2">
        <div className="min-w-0">
          <p className="flex items-center gap-2">
            <span aria-hidden className={cn('inline-block h-2.5 w-2.5 rounded-full', s.dot)} />
            <span className={cn('text-lg font-semibold', s.title)}>{s.label}</span>
            <span className="text-sm text-slate-600">
              v{data.version}
              {data.alias ? ` (${data.alias})` : ''} · {formatTick(data.from, 'day')} – {formatTick(data.to, 'day')}
            </span>
          </p>
          <p className="mt-1 text-sm text-slate-700">{s.summary}</p>
        </div>
        <p className="text-sm text-slate-600">
          {metric} baseline <strong className="font-semibold text-slate-900">{baseline.value === null ? 'not yet known' : formatMetric(baseline.value)}</strong>
          {baseline.source ? <span> ({BASELINE_SOURCES[baseline.source]})</span> : null}
          {threshold !== null ? (
            <>
              {' '}
              · threshold <strong className="font-semibold text-slate-900">{formatMetric(threshold)}</strong>
            </>
          ) : null}
          {policy.floor !== null ? (
            <>
              {' '}
              · limit <strong className="font-semibold text-slate-900">{formatMetric(policy.floor)}</strong>
            </>
          ) : null}
        </p>
      </div>

      {status.reasons.length > 0 ? (
        <ul aria-label="Reasons" className="mt-3 space-y-2">
          {status.reasons.map((r, i) => (
            <li key={`${r.metric}-${r.window}-${i}`} data-testid="reason" className="rounded-md bg-white/70 px-3 py-2 text-sm ring-1 ring-inset ring-slate-200">
              <p className="font-medium text-slate-900">{r.message}</p>
              <p className="mt-0.5 text-xs text-slate-600">
                {REASON_LABELS[r.metric] ?? r.metric} {fmt(r.metric, r.value)}
                {r.interval ? ` [${fmt(r.metric, r.interval[0])}, ${fmt(r.metric, r.interval[1])}]` : ''}
                {r.baseline !== null ? ` · baseline ${fmt(r.metric, r.baseline)}` : ''}
                {` · threshold ${fmt(r.metric, r.threshold)}`}
                {` · window ${formatWindow(r.window, unit)}`}
                {' · since '}
                <time dateTime={r.since}>{formatWindow(r.since, unit)}</time>
              </p>
            </li>
          ))}
        </ul>
      ) : null}

      {features.length > 0 ? (
        <div className="mt-3">
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">
            {drifted.source === 'verdict' ? 'Most drifted features' : 'Drifted in the latest window'}
          </h3>
          <ol aria-label="Drifted features" className="mt-1.5 flex flex-wrap gap-2">
            {features.map((f, i) => (
              <li key={f.feature} className="rounded-full bg-white px-2.5 py-1 text-xs ring-1 ring-inset ring-slate-200">
                <span className="mr-1 text-slate-400">{i + 1}.</span>
                <span className="font-mono font-medium text-slate-900">{f.feature}</span>
                <span className="ml-1.5 text-slate-600">
                  PSI {formatMetric(f.psi)} · {METHOD_LABELS[f.method as keyof typeof METHOD_LABELS] ?? f.method} {formatMetric(f.score)}
                </span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
