'use client';
// The model page's verdict: the same badge as the overview and the monitoring page, with its first
// reason, linking to monitoring.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { VerdictBadge } from '@/components/monitoring/verdict-badge';
import { badgeState, verdictLine } from '@/components/monitoring/verdict-words';
import { modelQueries } from '@/lib/query/keys';

export function ModelVerdict({ name, served }: { name: string; served: boolean }) {
  const { data } = useQuery(modelQueries.verdict(name));
  if (!data) return null;
  const v = data.verdict;
  const state = badgeState(v, served);
  const first = v ? verdictLine(v) : null;
  return (
    <div className="mt-3 flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1 text-sm" data-testid="model-verdict">
      <Link
        href={`/models/${encodeURIComponent(name)}/monitoring`}
        title="Open monitoring"
        className="rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900"
      >
        <VerdictBadge state={state} />
      </Link>
      {v && state !== 'healthy' && first ? (
        <span className="min-w-0 break-words text-slate-700" data-testid="model-verdict-reason">
          {first}
        </span>
      ) : null}
      {v && state === 'healthy' ? (
        <span className="text-slate-600">
          v{v.version} within tolerance on its last {v.lookback} {v.bucket === 'day' ? 'daily' : 'hourly'} windows
        </span>
      ) : null}
    </div>
  );
}
