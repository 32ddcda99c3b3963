import type { Metadata } from 'next';
import { CredentialsForm } from '@/components/access/credentials-form';

export const metadata: Metadata = { title: 'Set up' };
export const dynamic = 'force-dynamic';

export default function SetupPage() {
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold text-slate-900">Welcome to Modeldock</h1>
      <p className="mt-1 mb-6 text-sm text-slate-500">
        Create the admin account. It signs in to this dashboard and manages the API keys that programs use. (Headless installs can set{' '}
        <code className="rounded bg-slate-100 px-1">MODELDOCK_ADMIN_PASSWORD</code> instead.)
      </p>
      <CredentialsForm mode="setup" />
    </div>
  );
}
