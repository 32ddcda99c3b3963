import { HydrationBoundary } from '@tanstack/react-query';
import { ModelsOverview } from '@/components/models/models-overview';
import { prefetchPage } from '@/lib/http/page';
import { keys } from '@/lib/query/keys';
import { listModels } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const { state } = await prefetchPage((qc) => qc.prefetchQuery({ queryKey: keys.models.list(), queryFn: () => listModels({ limit: 200 }) }));
  return (
    <HydrationBoundary state={state}>
      <ModelsOverview />
    </HydrationBoundary>
  );
}
