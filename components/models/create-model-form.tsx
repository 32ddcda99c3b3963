'use client';
// Create a model: name, task, description, optional class labels. Field errors come from the API.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Field, Input, Select, Textarea } from '@/components/ui/field';
import { TASK_LABELS } from '@/lib/format';
import { ApiError, api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';
import { TASKS, type CreateModelInput } from '@/lib/schemas/registry';

export function CreateModelForm() {
  const router = useRouter();
  const qc = useQueryClient();
  const [error, setError] = useState<ApiError | null>(null);
  const create = useMutation({
    mutationFn: (input: CreateModelInput) => api.createModel(input),
    onSuccess: ({ model }) => {
      qc.invalidateQueries({ queryKey: keys.models.all });
      toast.success(`Model ${model.name} created`);
      router.push(`/models/${encodeURIComponent(model.name)}`);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.errors.length > 0) setError(err);
      else toast.error(err.message);
    },
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const f = new FormData(e.currentTarget);
    const labels = String(f.get('labels') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    create.mutate({
      name: String(f.get('name') ?? '').trim(),
      task: String(f.get('task')) as CreateModelInput['task'],
      description: String(f.get('description') ?? ''),
      ...(labels.length > 0 ? { labels } : {}),
    });
  }

  return (
    <form onSubmit={submit} aria-label="Create a model" className="mt-6 space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm" noValidate>
      <Field id="name" label="Name" hint="Lowercase letters, digits, - _ . (up to 64)" error={error?.forField('name')}>
        <Input id="name" name="name" required autoFocus placeholder="churn-classifier" aria-invalid={Boolean(error?.forField('name'))} />
      </Field>
      <Field id="task" label="Task" error={error?.forField('task')}>
        <Select id="task" name="task" defaultValue="binary_classification">
          {TASKS.map((t) => (
            <option key={t} value={t}>
              {TASK_LABELS[t]}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="description" label="Description" error={error?.forField('description')}>
        <Textarea id="description" name="description" placeholder="What it predicts, for whom, trained on what" />
      </Field>
      <Field
        id="labels"
        label="Class labels (optional)"
        hint="Comma-separated, in the order of the model's class indices: e.g. stays, churns"
        error={error?.forField('labels')}
      >
        <Input id="labels" name="labels" placeholder="stays, churns" aria-invalid={Boolean(error?.forField('labels'))} />
      </Field>
      <div className="flex justify-end">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create model'}
        </Button>
      </div>
    </form>
  );
}
