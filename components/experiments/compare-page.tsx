'use client';
// Champion against challenger: the verdict and the test, a card per version, the difference around
// zero, agreement, the metric over time for both, and "Promote challenger". The view lives in the URL.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { IntervalLinesChart, type BandRow } from '@/components/charts/interval-lines-chart';
import { tickDecimals } from '@/components/charts/scale';
import { formatTick } from '@/components/charts/time';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import type { CompareView } from '@/lib/query/api-client';
import { modelQueries } from '@/lib/query/keys';
import type { CompareDto } from '@/lib/schemas/experiments';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { CompareControls } from './compare-controls';
import { AgreementCard, CompareVerdictBanner, DifferenceCard, SIDE_COLORS, SideCard } from './compare-summary';
import { compareVerdict, formatValue, METRIC_NAMES } from './compare-text';
import { compareSearch } from './compare-view';
import { PromoteDialog, type Promotion } from './promote-dialog';
import { isSplit, productionShares, roleOf } from './traffic';
import { EndSplitDialog } from './traffic-panel';

export function ComparePage({ name, initialView }: { name: string; initialView: CompareView | null }) {
  const { data: detail } = useQuery(modelQueries.detail(name));
  const [view, setView] = useState(initialView);
  const changeView = useCallback((next: CompareView, experiment: boolean) => {
    setView(next);
    window.history.replaceState(null, '', `${window.location.pathname}${compareSearch(next, { experiment })}`);
  }, []);
  const href = `/models/${encodeURIComponent(name)}`;
  const header = (controls?: React.ReactNode) => (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <Link href={href} className="text-sm text-slate-500 hover:text-slate-900 hover:underline">
          ← {name}
        </Link>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Compare versions</h1>
      </div>
      {controls}
    </div>
  );

  if (!view || !detail || detail.versions.length < 2) {
    return (
      <div className="space-y-6">
        {header()}
        <EmptyState title="A comparison needs two versions">
          Upload a challenger on the{' '}
          <Link className="font-medium text-slate-900 underline" href={href}>
            model page
          </Link>
          , then give it a share of production (a canary split) or a shadow copy of production traffic; with outcomes for their predictions, the two are
          compared here.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      {header(<ControlsFor name={name} view={view} detail={detail} onChange={changeView} />)}
      <CompareBody name={name} view={view} detail={detail} />
    </div>
  );
}

function ControlsFor({
  name,
  view,
  detail,
  onChange,
}: {
  name: string;
  view: CompareView;
  detail: ModelDetailDto;
  onChange: (v: CompareView, experiment: boolean) => void;
}) {
  const { data, isFetching } = useQuery(modelQueries.compare(name, view));
  const experiment = data?.experiment ?? null;
  return <CompareControls view={view} detail={detail} onChange={(v) => onChange(v, experiment !== null)} busy={isFetching} experiment={experiment} />;
}

function CompareBody({ name, view, detail }: { name: string; view: CompareView; detail: ModelDetailDto }) {
  const { data: latest, error, isPlaceholderData, isFetching } = useQuery(modelQueries.compare(name, view));
  const data = useDeferredValue(latest);
  const [confirm, setConfirm] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [promoted, setPromoted] = useState<Promotion | null>(null);
  if (view.a === view.b) return <EmptyState title="Pick two different versions">Choose another version for A or for B.</EmptyState>;
  if (error && !data)
    return (
      <p role="alert" className="text-red-600">
        Could not load the comparison: {error.message}
      </p>
    );
  if (!data)
    return (
      <p className="text-sm text-slate-500" role="status">
        Loading the comparison…
      </p>
    );
  const stale = (isPlaceholderData && isFetching) || data !== latest;
  const b = data.b.version;
  const bIsProduction = detail.aliases.production === b && !isSplit(detail);
  const bArchived = detail.versions.find((v) => v.number === b)?.archived ?? false;
  const split = isSplit(detail);
  const champion = detail.aliases.production;

  return (
    <div aria-busy={stale} className={cn('space-y-6 transition-opacity', stale && 'opacity-60')}>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          Could not refresh: {error.message}
        </p>
      ) : null}
      {promoted ? <PromotedNote promotion={promoted} onDismiss={() => setPromoted(null)} /> : null}
      <CompareVerdictBanner
        data={data}
        action={
          <div className="flex flex-wrap gap-2">
            <Button
              variant={compareVerdict(data).tone === 'better' ? 'primary' : 'secondary'}
              onClick={() => setConfirm(true)}
              disabled={bIsProduction || bArchived}
              title={bIsProduction ? `v${b} already serves all of production` : bArchived ? `v${b} is archived: restore it first` : undefined}
            >
              {bIsProduction ? `v${b} is production` : 'Promote challenger'}
            </Button>
            {split && champion !== undefined ? (
              <Button variant="secondary" onClick={() => setConfirmEnd(true)} title={`v${champion} keeps all of production`}>
                End split
              </Button>
            ) : null}
          </div>
        }
      />
      <div className="grid gap-6 md:grid-cols-2">
        <SideCard side={data.a} which="a" metric={data.metric} role={roleOf(detail, data.a.version)} />
        <SideCard side={data.b} which="b" metric={data.metric} role={roleOf(detail, data.b.version)} />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <DifferenceCard data={data} />
        </div>
        <AgreementCard data={data} />
      </div>
      <MetricOverTime data={data} />
      <PromoteDialog name={name} detail={detail} version={b} open={confirm} onClose={() => setConfirm(false)} onPromoted={setPromoted} />
      {split && champion !== undefined ? (
        <EndSplitDialog
          name={name}
          champion={champion}
          others={(productionShares(detail) ?? []).filter((s) => !s.champion).map((s) => s.version)}
          open={confirmEnd}
          onClose={() => setConfirmEnd(false)}
        />
      ) : null}
    </div>
  );
}

function MetricOverTime({ data }: { data: CompareDto }) {
  const rows = useMemo(
    (): BandRow[] =>
      data.series.map((w) => ({
        x: w.start,
        values: {
          a: { y: w.a.value, lo: w.a.interval?.[0] ?? null, hi: w.a.interval?.[1] ?? null, n: w.a.labeled },
          b: { y: w.b.value, lo: w.b.interval?.[0] ?? null, hi: w.b.interval?.[1] ?? null, n: w.b.labeled },
        },
      })),
    [data],
  );
  const series = useMemo(
    () => [
      { key: 'a', label: `v${data.a.version} (A)`, color: SIDE_COLORS.a },
      { key: 'b', label: `v${data.b.version} (B)`, color: SIDE_COLORS.b },
    ],
    [data.a.version, data.b.version],
  );
  const metric = METRIC_NAMES[data.metric];
  const format = (v: number) => formatValue(data.metric, v);
  const unit = data.series.length > 0 && isHourly(data) ? 'hour' : 'day';
  const marker = useMemo(() => experimentMarker(data, unit), [data, unit]);
  return (
    <IntervalLinesChart
      title={`${metric} over time`}
      description={`Each window’s ${metric.toLowerCase()} over its labeled predictions, with its 95 % interval.${data.design === 'paired' ? ' Both lines score the same requests.' : ''}${marker ? ' The dashed line marks when the experiment began.' : ''}`}
      rows={rows}
      series={series}
      unit={unit}
      marker={marker}
      format={format}
      tickFormat={data.metric === 'accuracy' ? (v, ticks) => `${(v * 100).toFixed(tickDecimals(ticks, 100))}%` : format}
      empty={`No labeled windows yet: ${metric.toLowerCase()} over time needs outcomes for both versions’ predictions.`}
    />
  );
}

/** The window in which the running experiment began, when the range shows it. */
function experimentMarker(data: CompareDto, unit: 'hour' | 'day'): { x: string; label: string } | null {
  const started = data.experiment ? Date.parse(data.experiment.started_at) : NaN;
  if (!Number.isFinite(started) || data.series.length === 0) return null;
  const i = data.series.findIndex((w, k) => Date.parse(w.start) <= started && (k === data.series.length - 1 || Date.parse(data.series[k + 1].start) > started));
  if (i < 0) return null;
  return { x: data.series[i].start, label: `${data.experiment!.kind} began ${formatTick(data.experiment!.started_at, unit === 'hour' ? 'hour' : 'day')}` };
}

/** Windows one hour apart (the DTO does not repeat the bucket). */
function isHourly(data: CompareDto): boolean {
  if (data.from && data.to && data.series.length > 0) return (Date.parse(data.to) - Date.parse(data.from)) / data.series.length < 86_400_000;
  return data.series.length > 1 && Date.parse(data.series[1].start) - Date.parse(data.series[0].start) < 86_400_000;
}

function PromotedNote({ promotion, onDismiss }: { promotion: Promotion; onDismiss: () => void }) {
  const { from, to, endedSplit, leftShadow } = promotion;
  return (
    <div
      role="status"
      data-testid="promoted"
      className="flex items-start justify-between gap-4 rounded-lg border border-emerald-300 bg-white px-5 py-3 text-sm text-slate-700"
    >
      <p>
        <strong className="font-semibold text-emerald-800">v{to} now serves all of production</strong>
        {from !== null ? ` (was v${from})` : ''}.{endedSplit ? ' The split has ended.' : ''}
        {leftShadow ? ` v${to} no longer shadows.` : ''} New traffic is compared from here on; earlier windows keep their figures.
      </p>
      <Button size="sm" variant="ghost" onClick={onDismiss}>
        Dismiss
      </Button>
    </div>
  );
}
