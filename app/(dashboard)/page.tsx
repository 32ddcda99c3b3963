import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { ModelsOverview } from '@/components/models/models-overview';
import { keys } from '@/lib/query/keys';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { listModels } from '@/lib/server/registry/models';
import { requireUser } from '@/lib/http/page';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  await requireUser();
  const qc = serverQueryClient();
  await qc.prefetchQuery({ queryKey: keys.models.list(), queryFn: () => listModels({ limit: 200 }) });
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <ModelsOverview />
    </HydrationBoundary>
  );
}
