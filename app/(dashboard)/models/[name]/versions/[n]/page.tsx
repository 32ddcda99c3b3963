import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { VersionDetail } from '@/components/models/version-detail';
import { AppError } from '@/lib/errors';
import { routeParam } from '@/lib/route-param';
import { keys } from '@/lib/query/keys';
import { serverQueryClient } from '@/lib/query/server-prefetch';
import { getModelDetail } from '@/lib/server/registry/models';
import { requireUser } from '@/lib/server/access/require-user';
import { requestOrigin } from '@/lib/server/request-origin';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string; n: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const p = await params;
  return { title: `${routeParam(p.name)} v${p.n}` };
}

export default async function VersionPage({ params }: Props) {
  await requireUser();
  const p = await params;
  const name = routeParam(p.name);
  const n = Number(p.n);
  if (!Number.isInteger(n) || n < 1) notFound();
  const qc = serverQueryClient();
  try {
    const detail = await getModelDetail(name, { includeArchived: true });
    if (!detail.versions.some((v) => v.number === n)) notFound();
    qc.setQueryData(keys.models.detail(name), detail);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'not_found' || err.code === 'invalid_input')) notFound();
    throw err;
  }
  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <VersionDetail name={name} number={n} origin={await requestOrigin()} />
    </HydrationBoundary>
  );
}
