// The comparison's figures: the verdict, a card per version (metric with interval, labeled count,
// latency), the difference on a forest plot around zero, and the agreement of paired answers.
import type { ReactNode } from 'react';
import { ForestPlot } from '@/components/charts/forest-plot';
import { formatMs } from '@/components/monitoring/series';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import type { CompareDto, CompareSide } from '@/lib/schemas/experiments';
import { compareVerdict, formatDifference, formatValue, higherIsBetter, METRIC_NAMES, TEST_INFO, type VerdictTone } from './compare-text';

export const SIDE_COLORS = { a: '#0f172a', b: '#0284c7' } as const;

/** Which latency a side's figures are (CompareSide.latency_basis). */
const LATENCY_BASIS = {
  request: 'Latency: answering the request (decode, wait for the model, run it).',
  model_run: 'Latency: its own run on the same requests (shadow; no request decoding, no queue wait).',
} as const;

const TONES: Record<VerdictTone, { box: string; dot: string; title: string }> = {
  better: { box: 'border-emerald-300 bg-emerald-50', dot: 'bg-emerald-600', title: 'text-emerald-900' },
  worse: { box: 'border-red-300 bg-red-50', dot: 'bg-red-600', title: 'text-red-900' },
  none: { box: 'border-slate-300 bg-slate-50', dot: 'bg-slate-500', title: 'text-slate-900' },
  insufficient: { box: 'border-amber-300 bg-amber-50', dot: 'bg-amber-500', title: 'text-amber-900' },
};

export function CompareVerdictBanner({ data, action }: { data: CompareDto; action?: ReactNode }) {
  const v = compareVerdict(data);
  const t = TONES[v.tone];
  return (
    <section aria-label="Verdict" data-testid="compare-verdict" data-tone={v.tone} className={cn('rounded-lg border px-5 py-4', t.box)}>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 max-w-3xl">
          <p className="flex items-center gap-2">
            <span aria-hidden className={cn('inline-block h-2.5 w-2.5 shrink-0 rounded-full', t.dot)} />
            <span className={cn('text-lg font-semibold', t.title)} data-testid="verdict-headline">
              {v.headline}
            </span>
          </p>
          <p className="mt-1 text-sm text-slate-700" data-testid="verdict-detail">
            {v.detail}
          </p>
          {data.test ? <p className="mt-1 text-xs text-slate-500">{TEST_INFO[data.test.name].about}</p> : null}
        </div>
        {action}
      </div>
    </section>
  );
}

export function SideCard({ side, which, metric, role }: { side: CompareSide; which: 'a' | 'b'; metric: CompareDto['metric']; role: string | null }) {
  const m = side.metric;
  return (
    <Card aria-label={`v${side.version}`} data-testid={`side-${which}`} className="p-5">
      <div className="flex items-center justify-between gap-2">
        <p className="flex items-center gap-2">
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: SIDE_COLORS[which] }} />
          <span className="text-base font-semibold text-slate-900">v{side.version}</span>
          <span className="text-xs text-slate-500">{which === 'a' ? 'champion (A)' : 'challenger (B)'}</span>
        </p>
        {role ? <Badge tone={role.startsWith('production') ? 'green' : role === 'shadow' ? 'neutral' : 'blue'}>{role}</Badge> : null}
      </div>
      <div className="mt-4">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{METRIC_NAMES[metric]}</p>
        <p className="mt-0.5 text-3xl font-semibold tabular-nums tracking-tight text-slate-900" data-testid="metric-value">
          {m.value === null ? '—' : formatValue(metric, m.value)}
        </p>
        <p className="mt-0.5 text-xs text-slate-500" data-testid="metric-interval">
          {m.interval
            ? `95 % interval ${formatValue(metric, m.interval[0])} – ${formatValue(metric, m.interval[1])}`
            : m.value === null
              ? 'no labeled predictions yet'
              : 'no interval'}
        </p>
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-3 border-t border-slate-100 pt-3 text-sm">
        <Stat label="Labeled" testId="labeled" value={side.labeled.toLocaleString('en-GB')} />
        <Stat
          label={which === 'b' && role === 'shadow' ? 'Predictions (live and shadow)' : 'Predictions'}
          testId="count"
          value={side.count.toLocaleString('en-GB')}
        />
      </dl>
      <p className="mt-3 text-xs text-slate-500" data-testid="latency-basis">
        {LATENCY_BASIS[side.latency_basis ?? 'request']}
      </p>
      <dl className="mt-1 grid grid-cols-3 gap-3 text-sm">
        {(['p50', 'p95', 'p99'] as const).map((q) => (
          <Stat key={q} label={`Latency ${q}`} testId={`latency-${q}`} value={side.latency_ms[q] === null ? '—' : formatMs(side.latency_ms[q]!)} />
        ))}
      </dl>
    </Card>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function DifferenceCard({ data }: { data: CompareDto }) {
  const { metric, difference: d, a, b } = data;
  const va = `v${a.version}`;
  const vb = `v${b.version}`;
  const up = higherIsBetter(metric);
  const format = (v: number) => formatDifference(metric, v);
  return (
    <div className="space-y-2">
      <ForestPlot
        title="Difference"
        description={
          d
            ? `${vb} − ${va} on ${METRIC_NAMES[metric].toLowerCase()}: ${format(d.value)}, 95 % interval ${format(d.interval[0])} to ${format(d.interval[1])}. ${d.interval[0] <= 0 && d.interval[1] >= 0 ? 'The interval crosses zero.' : 'The interval does not cross zero.'}`
            : `${vb} − ${va} on ${METRIC_NAMES[metric].toLowerCase()}, with its 95 % interval.`
        }
        rows={d ? [{ label: `${vb} − ${va}`, value: d.value, lo: d.interval[0], hi: d.interval[1], color: SIDE_COLORS.b }] : []}
        format={format}
        favourable={up ? 'above' : 'below'}
        sides={up ? [`${va} better`, `${vb} better`] : [`${vb} better`, `${va} better`]}
        empty="The difference appears once both versions have labeled predictions in the range."
      />
      {d ? (
        <p className="sr-only" data-testid="difference">
          {format(d.value)} [{format(d.interval[0])}, {format(d.interval[1])}]
        </p>
      ) : null}
    </div>
  );
}

export function AgreementCard({ data }: { data: CompareDto }) {
  const { agreement, a, b } = data;
  return (
    <Card aria-label="Agreement" data-testid="agreement" className="flex flex-col p-5">
      <h2 className="text-sm font-semibold text-slate-900">Agreement</h2>
      {agreement ? (
        <>
          <p className="mt-3 text-3xl font-semibold tabular-nums tracking-tight text-slate-900" data-testid="agreement-rate">
            {agreement.n > 0 ? `${(agreement.rate * 100).toFixed(1)} %` : '—'}
          </p>
          <p className="mt-1 text-sm text-slate-600" data-testid="agreement-n">
            {agreement.n > 0
              ? `of ${agreement.n.toLocaleString('en-GB')} requests scored by both got the same ${data.metric === 'accuracy' ? 'label' : 'value'} from v${a.version} and v${b.version}.`
              : 'No request has been scored by both versions in this range yet.'}
          </p>
          <p className="mt-auto pt-3 text-xs text-slate-500">Agreement needs no outcomes: it shows how much a switch would change the answers.</p>
        </>
      ) : (
        <p className="mt-3 text-sm text-slate-600">
          Measured when both versions score the same requests (a shadow). In a split each request goes to one version, so there is nothing to agree on.
        </p>
      )}
    </Card>
  );
}
