import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { ApiKeys } from '@/components/access/api-keys';
import { Notifications } from '@/components/operations/notifications';
import { SystemEvents } from '@/components/access/system-events';
import { RuntimePanel } from '@/components/runtime/runtime-panel';
import { StoragePanel } from '@/components/operations/storage-panel';
import { prefetchPage } from '@/lib/http/page';
import { accessKeys } from '@/lib/query/access-client';
import { runtimeKeys } from '@/lib/query/runtime-client';
import { listKeyDtos } from '@/lib/server/access/keys';
import { runtimeStatus } from '@/lib/server/serving/runtime-status';
import { getEvents } from '@/lib/server/registry/events';

export const metadata: Metadata = { title: 'Settings' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const { state } = await prefetchPage(async (qc) => {
    await Promise.all([
      qc.prefetchQuery({ queryKey: accessKeys.keys, queryFn: async () => ({ api_keys: await listKeyDtos() }) }),
      qc.prefetchQuery({ queryKey: accessKeys.events, queryFn: () => getEvents(null, { limit: 50 }) }),
      qc.prefetchQuery({ queryKey: runtimeKeys.status, queryFn: runtimeStatus }),
    ]);
  });
  return (
    <HydrationBoundary state={state}>
      <h1 className="text-2xl font-semibold text-slate-900">Settings</h1>
      <div className="mt-6 space-y-6">
        <ApiKeys />
        <Notifications />
        <RuntimePanel />
        <StoragePanel />
        <SystemEvents />
      </div>
    </HydrationBoundary>
  );
}
