'use client';
// The prediction browser: logged predictions of a model, newest first, filtered by version,
// day range and label status (kept in the URL), a page at a time; a row opens with its outcome.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useState } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input, Select } from '@/components/ui/field';
import { Segmented } from '@/components/ui/segmented';
import { cn } from '@/components/ui/cn';
import { formatTime } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import { filtersQuery, filtersSearch, predictionQueries, type PredictionFilters } from '@/lib/query/predictions';
import type { BrowsedPredictionDto } from '@/lib/schemas/predictions';
import { ExportButton } from './export-button';
import { PredictionDialog } from './prediction-dialog';

const LABELED = [
  { value: 'all', label: 'All' },
  { value: 'true', label: 'Labeled' },
  { value: 'false', label: 'Unlabeled' },
];

function Filters({ name, filters, onChange }: { name: string; filters: PredictionFilters; onChange: (f: PredictionFilters) => void }) {
  const { data } = useQuery(modelQueries.detail(name));
  const versions = [...(data?.versions ?? [])].sort((a, b) => b.number - a.number);
  const aliases = Object.entries(data?.aliases ?? {});
  const target = filters.version !== undefined ? `v:${filters.version}` : filters.alias !== undefined ? `a:${filters.alias}` : 'all';
  const pickTarget = (value: string) => {
    const rest: PredictionFilters = { from: filters.from, to: filters.to, labeled: filters.labeled };
    if (value.startsWith('v:')) rest.version = Number(value.slice(2));
    else if (value.startsWith('a:')) rest.alias = value.slice(2);
    onChange(rest);
  };
  const setDay = (key: 'from' | 'to', value: string) => onChange({ ...filters, [key]: value || undefined });
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="space-y-1">
        <label htmlFor="browse-version" className="block text-xs font-medium text-slate-600">
          Version
        </label>
        <Select id="browse-version" value={target} onChange={(e) => pickTarget(e.target.value)} className="h-9 w-48 py-1.5">
          <option value="all">All versions</option>
          {aliases.map(([a, n]) => (
            <option key={a} value={`a:${a}`}>
              {a} (now v{n})
            </option>
          ))}
          {versions.map((v) => (
            <option key={v.number} value={`v:${v.number}`}>
              v{v.number}
            </option>
          ))}
        </Select>
      </div>
      <div className="space-y-1">
        <label htmlFor="browse-from" className="block text-xs font-medium text-slate-600">
          From (UTC)
        </label>
        <Input
          id="browse-from"
          type="date"
          value={filters.from ?? ''}
          max={filters.to}
          onChange={(e) => setDay('from', e.target.value)}
          className="h-9 w-40 py-1.5"
        />
      </div>
      <div className="space-y-1">
        <label htmlFor="browse-to" className="block text-xs font-medium text-slate-600">
          To (UTC)
        </label>
        <Input
          id="browse-to"
          type="date"
          value={filters.to ?? ''}
          min={filters.from}
          onChange={(e) => setDay('to', e.target.value)}
          className="h-9 w-40 py-1.5"
        />
      </div>
      <Segmented
        label="Outcome"
        value={filters.labeled ?? 'all'}
        options={LABELED}
        onChange={(v) => onChange({ ...filters, labeled: v === 'all' ? undefined : (v as 'true' | 'false') })}
      />
    </div>
  );
}

/** Columns in order of use on a narrow screen: the id (which opens the row), the answer and the truth first. */
const HEADERS = ['ID', 'Prediction', 'Actual', 'Time', 'Version', 'Source'];

function Row({ p, onOpen }: { p: BrowsedPredictionDto; onOpen: () => void }) {
  return (
    <tr className="hover:bg-slate-50" data-testid="prediction-row">
      <td className="px-3 py-2 sm:px-4">
        <button
          type="button"
          onClick={onOpen}
          className="font-mono text-xs text-slate-900 underline decoration-slate-300 hover:decoration-slate-900"
          aria-label={`Open prediction ${p.id}`}
        >
          {p.id.slice(-12)}
        </button>
      </td>
      <td className="px-3 py-2 font-medium sm:px-4">{typeof p.prediction === 'number' ? p.prediction.toPrecision(6) : p.prediction}</td>
      <td className="px-3 py-2 sm:px-4">{p.outcome ? String(p.outcome.actual) : <span className="text-slate-400">—</span>}</td>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600 sm:px-4">{formatTime(p.ts)}</td>
      <td className="px-3 py-2 sm:px-4">v{p.version}</td>
      <td className="px-3 py-2 text-slate-500 sm:px-4">{p.source}</td>
    </tr>
  );
}

export function PredictionBrowser({ name, initialFilters }: { name: string; initialFilters: PredictionFilters }) {
  const [filters, setFilters] = useState(initialFilters);
  const [open, setOpen] = useState<BrowsedPredictionDto | null>(null);
  const change = useCallback((next: PredictionFilters) => {
    setFilters(next);
    window.history.replaceState(null, '', `${window.location.pathname}${filtersSearch(next)}`);
  }, []);
  const { data, error, fetchNextPage, hasNextPage, isFetching, isFetchingNextPage } = useInfiniteQuery(predictionQueries.browse(name, filters));
  const rows = data?.pages.flatMap((p) => p.predictions) ?? [];
  const href = `/models/${encodeURIComponent(name)}`;
  const query = filtersQuery(filters);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href={href} className="text-sm text-slate-500 hover:text-slate-900 hover:underline">
            ← {name}
          </Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight">Predictions</h1>
        </div>
        <ExportButton name={name} query={{ version: query.version, alias: query.alias, from: query.from, to: query.to, labeled: query.labeled }} />
      </div>
      <Filters name={name} filters={filters} onChange={change} />
      {error ? (
        <p role="alert" className="text-red-600">
          Could not load predictions: {error.message}
        </p>
      ) : null}
      {data && rows.length === 0 && !isFetching ? (
        <EmptyState title="No predictions here">
          Nothing was logged for these filters. Predictions appear once clients call the model (dry runs are not logged).
        </EmptyState>
      ) : (
        <div
          className={cn(
            'overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm transition-opacity',
            isFetching && !isFetchingNextPage && 'opacity-60',
          )}
          aria-busy={isFetching}
        >
          <table className="w-full text-sm" aria-label="Predictions">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {HEADERS.map((h) => (
                  <th key={h} className="px-3 py-2 font-medium sm:px-4">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((p) => (
                <Row key={p.id} p={p} onOpen={() => setOpen(p)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {hasNextPage ? (
        <Button variant="secondary" onClick={() => fetchNextPage()} disabled={isFetchingNextPage}>
          {isFetchingNextPage ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
      {open ? <PredictionDialog prediction={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
