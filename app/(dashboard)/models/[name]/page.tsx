import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { ModelPage } from '@/components/models/model-page';
import { pageParams, prefetchPage, requestOrigin } from '@/lib/http/page';
import { keys } from '@/lib/query/keys';
import { getShadow } from '@/lib/server/experiments/shadow';
import { getVerdict } from '@/lib/server/monitoring/monitoring';
import { getEvents } from '@/lib/server/registry/events';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await pageParams(params)).name };
}

export default async function ModelDetailPage({ params }: Props) {
  const { name } = await pageParams(params);
  const { state } = await prefetchPage(async (qc) => {
    const [detail, events, shadow, verdict] = await Promise.all([
      getModelDetail(name, { includeArchived: true }),
      getEvents(name, { limit: 100 }),
      getShadow(name),
      getVerdict(name),
    ]);
    qc.setQueryData(keys.models.detail(name), detail);
    qc.setQueryData(keys.models.verdict(name), verdict);
    qc.setQueryData(keys.models.events(name), events);
    qc.setQueryData(keys.models.shadow(name), shadow);
  });
  return (
    <HydrationBoundary state={state}>
      <ModelPage name={name} origin={await requestOrigin()} />
    </HydrationBoundary>
  );
}
