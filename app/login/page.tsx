import type { Metadata } from 'next';
import { CredentialsForm } from '@/components/access/credentials-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold text-slate-900">Sign in to Modeldock</h1>
      <p className="mt-1 mb-6 text-sm text-slate-500">Programs use API keys instead; an admin creates them under Settings.</p>
      <CredentialsForm mode="login" next={typeof next === 'string' ? next : undefined} />
    </div>
  );
}
