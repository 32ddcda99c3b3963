// /models/[name]/compare: prefetches the comparison the URL asks for (default: the production
// champion against its challenger, 30 days, day windows) and hands it to the client page.
import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { ComparePage } from '@/components/experiments/compare-page';
import { resolveCompareView, sinceExperiment } from '@/components/experiments/compare-view';
import type { SearchParams } from '@/components/monitoring/view';
import { pageParams, prefetchPage } from '@/lib/http/page';
import { compareQuery, type CompareView } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { getCompare, getExperiment } from '@/lib/server/experiments/compare';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${(await pageParams(params)).name} · compare` };
}

export default async function CompareRoute({ params, searchParams }: Props) {
  const { name } = await pageParams(params);
  const { state, value: view } = await prefetchPage(async (qc): Promise<CompareView | null> => {
    const detail = await getModelDetail(name, { includeArchived: true });
    qc.setQueryData(keys.models.detail(name), detail);
    const sp = await searchParams;
    let resolved = resolveCompareView(detail, sp);
    // Default range: since the split or shadow of the two began (when one runs).
    if (resolved) resolved = sinceExperiment(resolved, sp, (await getExperiment(name, resolved.a, resolved.b))?.started_at ?? null);
    if (resolved) qc.setQueryData(keys.models.compare(name, resolved), await getCompare(name, compareQuery(resolved)));
    return resolved;
  });
  return (
    <HydrationBoundary state={state}>
      <ComparePage name={name} initialView={view} />
    </HydrationBoundary>
  );
}
