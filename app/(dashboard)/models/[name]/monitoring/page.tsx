// /models/[name]/monitoring: prefetches the view the URL asks for (default: production, 30 days,
// day windows) and the policy, and hands them to the client page.
import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { MonitoringPage } from '@/components/monitoring/monitoring-page';
import { resolveMetric, resolveView, type SearchParams } from '@/components/monitoring/view';
import { pageParams, prefetchPage } from '@/lib/http/page';
import { monitoringQuery, type MonitoringView } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { getMonitoring, getPolicy } from '@/lib/server/monitoring/monitoring';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${(await pageParams(params)).name} · monitoring` };
}

export default async function MonitoringRoute({ params, searchParams }: Props) {
  const { name } = await pageParams(params);
  const sp = await searchParams;
  const { state, value: view } = await prefetchPage(async (qc): Promise<MonitoringView | null> => {
    const detail = await getModelDetail(name, { includeArchived: true });
    qc.setQueryData(keys.models.detail(name), detail);
    const resolved = resolveView(detail.versions, detail.aliases, sp);
    const [monitoring, policy] = await Promise.all([resolved ? getMonitoring(name, monitoringQuery(resolved)) : null, getPolicy(name)]);
    if (resolved && monitoring) qc.setQueryData(keys.models.monitoring(name, resolved), monitoring);
    qc.setQueryData(keys.models.policy(name), policy);
    return resolved;
  });
  return (
    <HydrationBoundary state={state}>
      <MonitoringPage name={name} initialView={view} initialMetric={resolveMetric(sp)} />
    </HydrationBoundary>
  );
}
