import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ModelPage } from '@/components/models/model-page';
import { AppError } from '@/lib/errors';
import { routeParam } from '@/lib/route-param';
import { keys } from '@/lib/query/keys';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { getShadow } from '@/lib/server/experiments/shadow';
import { getEvents } from '@/lib/server/registry/events';
import { getModelDetail } from '@/lib/server/registry/models';
import { getVerdict } from '@/lib/server/monitoring/monitoring';
import { requireUser } from '@/lib/server/access/require-user';
import { requestOrigin } from '@/lib/server/request-origin';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: routeParam((await params).name) };
}

export default async function ModelDetailPage({ params }: Props) {
  await requireUser();
  const name = routeParam((await params).name);
  const qc = serverQueryClient();
  try {
    const [detail, events, shadow, verdict] = await Promise.all([
      getModelDetail(name, { includeArchived: true }), getEvents(name, { limit: 100 }), getShadow(name), getVerdict(name),
    ]);
    qc.setQueryData(keys.models.detail(name), detail);
    qc.setQueryData(keys.models.verdict(name), verdict);
    qc.setQueryData(keys.models.events(name), events);
    qc.setQueryData(keys.models.shadow(name), shadow);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ModelPage name={name} origin={await requestOrigin()} />
    </HydrationBoundary>
  );
}
