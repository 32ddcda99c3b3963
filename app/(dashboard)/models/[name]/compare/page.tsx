// /models/[name]/compare: prefetches the comparison the URL asks for (default: the production
// champion against its challenger, 30 days, day windows) and hands it to the client page.
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ComparePage } from '@/components/experiments/compare-page';
import { resolveCompareView, sinceExperiment } from '@/components/experiments/compare-view';
import type { SearchParams } from '@/components/monitoring/view';
import { AppError } from '@/lib/errors';
import { compareQuery } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { getCompare, getExperiment } from '@/lib/server/experiments/compare';
import { getModelDetail } from '@/lib/server/registry/models';
import { requireUser } from '@/lib/server/access/require-user';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${decodeURIComponent((await params).name)} · compare` };
}

export default async function CompareRoute({ params, searchParams }: Props) {
  await requireUser();
  const name = decodeURIComponent((await params).name);
  const qc = serverQueryClient();
  let view;
  try {
    const detail = await getModelDetail(name, { includeArchived: true });
    qc.setQueryData(keys.models.detail(name), detail);
    const sp = await searchParams;
    view = resolveCompareView(detail, sp);
    // Default range: since the split or shadow of the two began (when one runs).
    if (view) view = sinceExperiment(view, sp, (await getExperiment(name, view.a, view.b))?.started_at ?? null);
    if (view) qc.setQueryData(keys.models.compare(name, view), await getCompare(name, compareQuery(view)));
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ComparePage name={name} initialView={view} />
    </HydrationBoundary>
  );
}
