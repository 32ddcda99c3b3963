// /models/[name]/predictions: the prediction browser. Prefetches the model and the first page of
// the filters the URL asks for, under the client's query keys.
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PredictionBrowser } from '@/components/predictions/prediction-browser';
import { AppError } from '@/lib/errors';
import { routeParam } from '@/lib/route-param';
import { keys } from '@/lib/query/keys';
import { filtersFromSearch, filtersQuery, PAGE_SIZE } from '@/lib/query/predictions';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { browseQuerySchema } from '@/lib/schemas/predictions';
import { requireUser } from '@/lib/server/access/require-user';
import { browsePredictions } from '@/lib/server/predictions/browse';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${routeParam((await params).name)} · predictions` };
}

export default async function PredictionsRoute({ params, searchParams }: Props) {
  await requireUser();
  const name = routeParam((await params).name);
  const filters = filtersFromSearch(await searchParams);
  const qc = serverQueryClient();
  try {
    qc.setQueryData(keys.models.detail(name), await getModelDetail(name, { includeArchived: true }));
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  try {
    const first = await browsePredictions(name, browseQuerySchema.parse({ ...filtersQuery(filters), limit: String(PAGE_SIZE) }));
    qc.setQueryData(keys.models.predictions(name, filters), { pages: [first], pageParams: [null] });
  } catch (err) {
    // An alias the URL names that is not set: the page opens and the browser's query shows why.
    if (!(err instanceof AppError && err.code === 'not_found')) throw err;
  }
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <PredictionBrowser name={name} initialFilters={filters} />
    </HydrationBoundary>
  );
}
