import type { Metadata } from 'next';
import { CreateModelForm } from '@/components/models/create-model-form';
import { requireUser } from '@/lib/http/page';

export const metadata: Metadata = { title: 'New model' };

export default async function NewModelPage() {
  await requireUser();
  return (
    <div className="mx-auto max-w-xl">
      <h1 className="text-2xl font-semibold tracking-tight">New model</h1>
      <p className="mt-1 text-sm text-slate-600">
        A model groups the versions you upload; aliases such as <code>production</code> point at one of them.
      </p>
      <CreateModelForm />
    </div>
  );
}
