// The retraining verdict: its state in colour, sentences that agree with its numbers, every reason
// with its numbers and since when, and the drifted features ranked. All of it is the verdict's
// (the policy's windows), whatever range or window the charts below show.
import { formatWindow } from '@/components/charts/time';
import { cn } from '@/components/ui/cn';
import { metricLabel } from '@/lib/metrics/catalog';
import type { MonitoringDto } from '@/lib/schemas/monitoring';
import { formatMetric, METHOD_LABELS } from './series';
import { badgeState, VERDICT_BADGES, verdictSummary, type Tone } from './verdict-words';

const BOX: Record<Tone, { box: string; dot: string; title: string }> = {
  red: { box: 'border-red-300 bg-red-50', dot: 'bg-red-600', title: 'text-red-900' },
  amber: { box: 'border-amber-300 bg-amber-50', dot: 'bg-amber-500', title: 'text-amber-900' },
  neutral: { box: 'border-slate-300 bg-slate-50', dot: 'bg-slate-400', title: 'text-slate-900' },
  green: { box: 'border-emerald-300 bg-emerald-50', dot: 'bg-emerald-600', title: 'text-emerald-900' },
};

const BASELINE_SOURCES: Record<string, string> = { offline: 'offline metric given at upload', first_window: 'first labeled window' };
const REASON_LABELS: Record<string, string> = {
  dataset_drift: 'share of features drifted',
  prediction_drift: 'prediction drift distance',
  data_quality: 'data quality issues',
  labeled: 'labeled rows',
};
const fmt = (metric: string, v: number) =>
  metric === 'dataset_drift' ? `${Math.round(v * 100)}%` : metric === 'data_quality' ? `${(v * 100).toFixed(1)}%` : formatMetric(v);
const WINDOWS = { day: 'daily', hour: 'hourly' } as const;

export function VerdictBanner({ data }: { data: MonitoringDto }) {
  const { status, baseline, policy } = data;
  const state = badgeState(status);
  const s = VERDICT_BADGES[state];
  const box = BOX[s.tone];
  const unit = status.bucket;
  const metric = metricLabel(status.metric);
  // The verdict's ranked features: a reason's when drift is a reason, else the latest window's.
  const features = status.reasons.find((r) => r.features?.length)?.features ?? status.drift?.ranked ?? [];
  return (
    <section
      aria-label="Verdict"
      data-testid="verdict"
      data-state={status.state}
      data-badge={state}
      className={cn('rounded-lg border px-4 py-4 sm:px-5', box.box)}
    >
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span aria-hidden className={cn('inline-block h-2.5 w-2.5 rounded-full', box.dot)} />
            <span className={cn('text-lg font-semibold', box.title)}>{s.label}</span>
            <span className="text-sm text-slate-600" data-testid="verdict-window">
              v{status.version}
              {data.alias ? ` (${data.alias})` : ''} · judged on {WINDOWS[unit]} windows, the last {status.lookback}
            </span>
          </p>
          <p className="mt-1 text-sm text-slate-700" data-testid="verdict-summary">
            {verdictSummary(status, policy)}
          </p>
        </div>
        <p className="text-sm text-slate-600">
          {metric} baseline <strong className="font-semibold text-slate-900">{baseline.value === null ? 'not yet known' : formatMetric(baseline.value)}</strong>
          {baseline.source ? <span> ({BASELINE_SOURCES[baseline.source]})</span> : null}
          {status.threshold !== null ? (
            <>
              {' '}
              · threshold <strong className="font-semibold text-slate-900">{formatMetric(status.threshold)}</strong>
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
              <p className="break-words font-medium text-slate-900">{r.message}</p>
              <p className="mt-0.5 text-xs text-slate-600">
                {REASON_LABELS[r.metric] ?? metricLabel(r.metric)} {fmt(r.metric, r.value)}
                {r.interval ? ` [${fmt(r.metric, r.interval[0])}, ${fmt(r.metric, r.interval[1])}]` : ''}
                {r.baseline !== null ? ` · baseline ${fmt(r.metric, r.baseline)}` : ''}
                {` · threshold ${fmt(r.metric, r.threshold)}`}
                {` · window ${formatWindow(r.window, unit)}`}
                {' · since '}
                <time dateTime={r.since} data-testid="reason-since">
                  {formatWindow(r.since, unit)}
                </time>
              </p>
            </li>
          ))}
        </ul>
      ) : null}

      {features.length > 0 ? (
        <div className="mt-3">
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Drifted features, most first</h3>
          <ol aria-label="Drifted features" className="mt-1.5 flex flex-wrap gap-2">
            {features.slice(0, 5).map((f, i) => (
              <li key={f.feature} className="max-w-full rounded-full bg-white px-2.5 py-1 text-xs ring-1 ring-inset ring-slate-200">
                <span className="mr-1 text-slate-400">{i + 1}.</span>
                <span className="break-all font-mono font-medium text-slate-900">{f.feature}</span>
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
