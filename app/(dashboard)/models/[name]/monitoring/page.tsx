// /models/[name]/monitoring: prefetches the view the URL asks for (default: production, 30 days,
// day windows) and the policy, and hands them to the client page.
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { MonitoringPage } from '@/components/monitoring/monitoring-page';
import { resolveMetric, resolveView, type SearchParams } from '@/components/monitoring/view';
import { AppError } from '@/lib/errors';
import { routeParam } from '@/lib/route-param';
import { monitoringQuery } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { getMonitoring, getPolicy } from '@/lib/server/monitoring/monitoring';
import { getModelDetail } from '@/lib/server/registry/models';
import { requireUser } from '@/lib/server/access/require-user';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${routeParam((await params).name)} · monitoring` };
}

export default async function MonitoringRoute({ params, searchParams }: Props) {
  await requireUser();
  const name = routeParam((await params).name);
  const qc = serverQueryClient();
  let view;
  const sp = await searchParams;
  try {
    const detail = await getModelDetail(name, { includeArchived: true });
    qc.setQueryData(keys.models.detail(name), detail);
    view = resolveView(detail.versions, detail.aliases, sp);
    const [monitoring, policy] = await Promise.all([view ? getMonitoring(name, monitoringQuery(view)) : null, getPolicy(name)]);
    if (view && monitoring) qc.setQueryData(keys.models.monitoring(name, view), monitoring);
    qc.setQueryData(keys.models.policy(name), policy);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <MonitoringPage name={name} initialView={view} initialMetric={resolveMetric(sp)} />
    </HydrationBoundary>
  );
}
