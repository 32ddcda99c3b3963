// /models/[name]/predictions: the prediction browser. Prefetches the model and the first page of
// the filters the URL asks for, under the client's query keys.
import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { PredictionBrowser } from '@/components/predictions/prediction-browser';
import { AppError } from '@/lib/errors';
import { pageParams, prefetchPage } from '@/lib/http/page';
import { keys } from '@/lib/query/keys';
import { filtersFromSearch, filtersQuery, PAGE_SIZE } from '@/lib/query/predictions';
import { browseQuerySchema } from '@/lib/schemas/predictions';
import { browsePredictions } from '@/lib/server/serving/browse';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${(await pageParams(params)).name} · predictions` };
}

export default async function PredictionsRoute({ params, searchParams }: Props) {
  const { name } = await pageParams(params);
  const filters = filtersFromSearch(await searchParams);
  const { state } = await prefetchPage(async (qc) => {
    qc.setQueryData(keys.models.detail(name), await getModelDetail(name, { includeArchived: true }));
    try {
      const first = await browsePredictions(name, browseQuerySchema.parse({ ...filtersQuery(filters), limit: String(PAGE_SIZE) }));
      qc.setQueryData(keys.models.predictions(name, filters), { pages: [first], pageParams: [null] });
    } catch (err) {
      // An alias the URL names that is not set: the page opens and the browser's query shows why.
      if (!(AppError.is(err) && err.code === 'not_found')) throw err;
    }
  });
  return (
    <HydrationBoundary state={state}>
      <PredictionBrowser name={name} initialFilters={filters} />
    </HydrationBoundary>
  );
}
