import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { VersionDetail } from '@/components/models/version-detail';
import { pageParams, prefetchPage, requestOrigin } from '@/lib/http/page';
import { keys } from '@/lib/query/keys';
import { getModelDetail } from '@/lib/server/registry/models';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; n: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await pageParams(params);
  return { title: `${p.name} v${p.n}` };
}

export default async function VersionPage({ params }: Props) {
  const { name, n: raw } = await pageParams(params);
  const n = Number(raw);
  const { state } = await prefetchPage(async (qc) => {
    if (!Number.isInteger(n) || n < 1) notFound();
    const detail = await getModelDetail(name, { includeArchived: true });
    if (!detail.versions.some((v) => v.number === n)) notFound();
    qc.setQueryData(keys.models.detail(name), detail);
  });
  return (
    <HydrationBoundary state={state}>
      <VersionDetail name={name} number={n} origin={await requestOrigin()} />
    </HydrationBoundary>
  );
}
