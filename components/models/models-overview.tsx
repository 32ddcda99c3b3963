'use client';
// The overview: every model with its verdict (the same badge as on its pages) and first reason,
// production and latest versions, request volume over 14 days and its latest prediction; searchable,
// filterable by verdict state and sortable, over the page the list API answered.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { VerdictBadge } from '@/components/monitoring/verdict-badge';
import { VERDICT_BADGES, verdictLine, type VerdictBadgeState } from '@/components/monitoring/verdict-words';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/field';
import { formatTime, TASK_LABELS } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import { DemoButton } from './demo-button';
import { overviewRows, SORTS, stateOf, statesPresent, type SortKey } from './overview-list';
import { Sparkline } from './sparkline';

const count = (n: number) => n.toLocaleString('en-GB');

export function ModelsOverview() {
  const { data, error } = useQuery(modelQueries.list());
  const [search, setSearch] = useState('');
  const [state, setState] = useState<VerdictBadgeState | 'all'>('all');
  const [sort, setSort] = useState<SortKey>('attention');
  const models = useMemo(() => data?.models ?? [], [data]);
  const rows = useMemo(() => overviewRows(models, { search, state, sort }), [models, search, state, sort]);
  const states = useMemo(() => statesPresent(models), [models]);
  if (error)
    return (
      <p role="alert" className="text-red-600">
        Could not load models: {error.message}
      </p>
    );
  return (
    <div>
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
        <p className="mt-1 text-sm text-slate-600">Every model, its retraining verdict, its production version and its traffic.</p>
      </div>
      {models.length === 0 ? (
        <div className="mt-6">
          <EmptyState title="No models yet">
            <ol className="mx-auto max-w-md list-decimal space-y-1 text-left">
              <li>Export your trained model to ONNX (skl2onnx, torch.onnx.export, onnxmltools…).</li>
              <li>
                <Link className="font-medium text-slate-900 underline" href="/models/new">
                  Create a model
                </Link>{' '}
                and upload the .onnx file as its first version.
              </li>
              <li>
                Promote a version to <code>production</code>; it then serves predictions over REST.
              </li>
            </ol>
            <div className="mt-5">
              <DemoButton />
            </div>
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="mt-6 flex flex-wrap items-end gap-3" role="search" aria-label="Find models">
            <div className="min-w-0 flex-1 basis-52 space-y-1">
              <label htmlFor="overview-search" className="block text-xs font-medium text-slate-600">
                Search
              </label>
              <Input
                id="overview-search"
                type="search"
                placeholder="Name or description"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                className="h-9 py-1.5"
              />
            </div>
            <div className="space-y-1">
              <label htmlFor="overview-state" className="block text-xs font-medium text-slate-600">
                State
              </label>
              <Select id="overview-state" value={state} onChange={(e) => setState(e.target.value as VerdictBadgeState | 'all')} className="h-9 w-44 py-1.5">
                <option value="all">All states</option>
                {states.map((s) => (
                  <option key={s} value={s}>
                    {VERDICT_BADGES[s].label}
                  </option>
                ))}
              </Select>
            </div>
            <div className="space-y-1">
              <label htmlFor="overview-sort" className="block text-xs font-medium text-slate-600">
                Sort
              </label>
              <Select id="overview-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)} className="h-9 w-52 py-1.5">
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </Select>
            </div>
          </div>
          <p className="mt-3 text-xs text-slate-500" role="status">
            {rows.length === models.length ? `${count(models.length)} models` : `${count(rows.length)} of ${count(models.length)} models`}
          </p>
          <div className="relative mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
            <table className="w-full text-sm" aria-label="Models">
              <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2.5 font-medium">Model</th>
                  <th className="hidden px-4 py-2.5 font-medium md:table-cell">Task</th>
                  <th className="px-4 py-2.5 font-medium">Production</th>
                  <th className="hidden px-4 py-2.5 font-medium sm:table-cell">Predictions, 14 days</th>
                  <th className="hidden px-4 py-2.5 font-medium lg:table-cell">Latest prediction</th>
                  <th className="hidden px-4 py-2.5 font-medium lg:table-cell">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((m) => {
                  const s = stateOf(m);
                  return (
                    <tr key={m.name} className="align-top hover:bg-slate-50" data-testid="model-row" data-name={m.name} data-state={s}>
                      <td className="max-w-xs px-4 py-3">
                        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                          <Link href={`/models/${encodeURIComponent(m.name)}`} className="break-all font-medium text-slate-900 hover:underline">
                            {m.name}
                          </Link>
                          {s !== 'not_served' ? (
                            <Link
                              href={`/models/${encodeURIComponent(m.name)}/monitoring`}
                              title="Open monitoring"
                              className="rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
                            >
                              <VerdictBadge state={s} />
                            </Link>
                          ) : null}
                        </div>
                        {m.description ? <p className="mt-0.5 line-clamp-1 text-xs text-slate-500">{m.description}</p> : null}
                        {m.verdict && s !== 'healthy' && verdictLine(m.verdict) ? (
                          <p className="mt-1 line-clamp-2 break-words text-xs text-slate-600" data-testid="verdict-line">
                            {verdictLine(m.verdict)}
                          </p>
                        ) : null}
                      </td>
                      <td className="hidden px-4 py-3 text-slate-600 md:table-cell">{TASK_LABELS[m.task]}</td>
                      <td className="px-4 py-3">
                        {m.aliases.production ? <Badge tone="green">v{m.aliases.production}</Badge> : <span className="text-slate-400">none</span>}
                        <p className="mt-1 text-xs text-slate-500">
                          {m.latest_version ? `latest v${m.latest_version} · ${m.version_count} version${m.version_count === 1 ? '' : 's'}` : 'no versions'}
                        </p>
                      </td>
                      <td className="hidden px-4 py-3 sm:table-cell" data-testid="traffic">
                        <div className="flex items-center gap-2">
                          <Sparkline values={m.traffic.daily} label={`Predictions per day over 14 days for ${m.name}: ${m.traffic.daily.join(', ')}`} />
                          <span className="tabular-nums text-slate-700">
                            {count(m.traffic.last_7_days)}
                            <span className="text-xs text-slate-500"> in 7 days</span>
                          </span>
                        </div>
                      </td>
                      <td className="hidden px-4 py-3 text-slate-600 lg:table-cell" data-testid="last-prediction">
                        {m.traffic.last_prediction_at ? formatTime(m.traffic.last_prediction_at) : <span className="text-slate-400">no predictions</span>}
                      </td>
                      <td className="hidden px-4 py-3 text-slate-500 lg:table-cell">{formatTime(m.updated_at)}</td>
                    </tr>
                  );
                })}
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="px-4 py-6 text-center text-slate-500">
                      No model matches.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
