'use client';
// A model's monitoring page: the view's controls, the retraining verdict, and the charts of one
// version's traffic. The view lives in the URL (shareable; the server prefetches it).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { EmptyState } from '@/components/ui/empty-state';
import { cn } from '@/components/ui/cn';
import type { MonitoringView } from '@/lib/query/api-client';
import { modelQueries } from '@/lib/query/keys';
import { ExportButton } from '@/components/predictions/export-button';
import { MonitoringCharts } from './monitoring-charts';
import { MonitoringControls } from './monitoring-controls';
import { formatTick } from '@/components/charts/time';
import { fitToData } from './series';
import { VerdictBanner } from './verdict-banner';
import { viewSearch } from './view';

export function MonitoringPage({ name, initialView, initialMetric }: { name: string; initialView: MonitoringView | null; initialMetric: string | null }) {
  const { data: detail } = useQuery(modelQueries.detail(name));
  const [view, setView] = useState(initialView);
  const [metric, setMetric] = useState(initialMetric);
  // Next.js keeps useSearchParams in step with the native history API; no navigation, no server render.
  const writeUrl = (v: MonitoringView, m: string | null) => {
    const search = viewSearch(v, m);
    window.history.replaceState(null, '', `${window.location.pathname}${search}`);
  };
  const changeView = useCallback(
    (next: MonitoringView) => {
      setView(next);
      writeUrl(next, metric);
    },
    [metric],
  );
  const changeMetric = useCallback(
    (next: string) => {
      setMetric(next);
      if (view) writeUrl(view, next);
    },
    [view],
  );

  const href = `/models/${encodeURIComponent(name)}`;
  const header = (controls?: React.ReactNode) => (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div>
        <Link href={href} className="text-sm text-slate-500 hover:text-slate-900 hover:underline">
          ← {name}
        </Link>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Monitoring</h1>
      </div>
      {controls}
    </div>
  );

  if (!view || !detail || detail.versions.length === 0) {
    return (
      <div className="space-y-6">
        {header()}
        <EmptyState title="Nothing to monitor yet">
          Upload a version on the{' '}
          <Link className="font-medium text-slate-900 underline" href={href}>
            model page
          </Link>
          , promote it to production and send it predictions; windows of metrics and drift appear here.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      {header(<MonitoringControlsFor name={name} view={view} onChange={changeView} versions={detail.versions} aliases={detail.aliases} />)}
      <ViewExport name={name} view={view} />
      <MonitoringBody name={name} view={view} labels={detail.model.labels} metric={metric} onMetric={changeMetric} />
    </div>
  );
}

/** The view's predictions as a file (its version and range), and the browser on the same version. */
function ViewExport({ name, view }: { name: string; view: MonitoringView }) {
  const target = view.version !== undefined ? { version: String(view.version) } : { alias: view.alias ?? 'production' };
  const browse = `/models/${encodeURIComponent(name)}/predictions${view.version !== undefined ? `?version=${view.version}` : `?alias=${view.alias ?? 'production'}`}`;
  return (
    <div className="flex flex-wrap items-end justify-between gap-3 rounded-lg border border-slate-200 bg-white px-5 py-3 shadow-sm">
      <p className="text-sm text-slate-600">
        The logged predictions of this view, one row each with inputs, prediction, probabilities and actual.{' '}
        <Link className="font-medium text-slate-900 underline" href={browse}>
          Browse them
        </Link>
        .
      </p>
      <ExportButton name={name} query={target} days={view.days} />
    </div>
  );
}

function MonitoringControlsFor({ name, view, ...rest }: Omit<Parameters<typeof MonitoringControls>[0], 'busy'> & { name: string }) {
  const { isFetching } = useQuery(modelQueries.monitoring(name, view));
  return <MonitoringControls view={view} busy={isFetching} {...rest} />;
}

function MonitoringBody({
  name,
  view,
  labels,
  metric,
  onMetric,
}: {
  name: string;
  view: MonitoringView;
  labels: string[] | null;
  metric: string | null;
  onMetric: (m: string) => void;
}) {
  const { data: latest, error, isPlaceholderData, isFetching } = useQuery(modelQueries.monitoring(name, view));
  // A new answer (720 hourly windows, say) renders at low priority: controls stay responsive and
  // the previous charts stay up until the new ones are ready.
  const data = useDeferredValue(latest);
  // A young model's charts start at its first prediction.
  const fitted = useMemo(() => (data ? fitToData(data) : null), [data]);
  if (error && !data)
    return (
      <p role="alert" className="text-red-600">
        Could not load monitoring: {error.message}
      </p>
    );
  if (!data || !fitted)
    return (
      <p className="text-sm text-slate-500" role="status">
        Loading monitoring…
      </p>
    );
  const stale = (isPlaceholderData && isFetching) || data !== latest;
  return (
    <div aria-busy={stale} className={cn('space-y-6 transition-opacity', stale && 'opacity-60')}>
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          Could not refresh: {error.message}
        </p>
      ) : null}
      <VerdictBanner data={data} />
      {fitted !== data ? (
        <p className="text-sm text-slate-600" data-testid="fitted-range">
          Charts start at the first prediction ({formatTick(fitted.series[0].start, data.bucket)}); the model has no traffic before it.
        </p>
      ) : null}
      <MonitoringCharts name={name} data={fitted} labels={labels} metric={metric ?? data.policy.metric} onMetric={onMetric} />
    </div>
  );
}
