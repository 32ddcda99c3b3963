'use client';
// Upload a version: drag-and-drop or pick the .onnx, optional metadata and reference sample,
// with a progress bar fed by the browser's real upload progress.
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Field, Input, Textarea } from '@/components/ui/field';
import { Progress } from '@/components/ui/progress';
import { formatBytes } from '@/lib/format';
import { ApiError, api } from '@/lib/query/api-client';
import { keys } from '@/lib/query/keys';

function buildMetadata(f: FormData): { metadata?: Record<string, unknown>; error?: string } {
  const metadata: Record<string, unknown> = {};
  const description = String(f.get('description') ?? '').trim();
  const source = String(f.get('source') ?? '').trim();
  const features = String(f.get('feature_names') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const metricsText = String(f.get('metrics') ?? '').trim();
  if (description) metadata.description = description;
  if (source) metadata.source = source;
  if (features.length > 0) metadata.feature_names = features;
  if (metricsText) {
    try {
      metadata.metrics = JSON.parse(metricsText);
    } catch {
      return { error: 'Metrics must be JSON, e.g. {"accuracy": 0.93}' };
    }
  }
  return { metadata };
}

export function UploadForm({ name }: { name: string }) {
  const qc = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const abort = useRef<AbortController | null>(null);

  function pick(f: File | undefined) {
    if (!f) return;
    setFile(f);
    setErrors({});
  }
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    pick(e.dataTransfer.files[0]);
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!file) {
      setErrors({ file: 'Choose an .onnx file first' });
      return;
    }
    const f = new FormData(e.currentTarget);
    const { metadata, error } = buildMetadata(f);
    if (error) {
      setErrors({ metrics: error });
      return;
    }
    const form = new FormData();
    form.set('file', file, file.name);
    if (metadata && Object.keys(metadata).length > 0) form.set('metadata', JSON.stringify(metadata));
    const reference = f.get('reference');
    if (reference instanceof File && reference.size > 0) form.set('reference', reference, reference.name);
    setErrors({});
    setProgress(0);
    abort.current = new AbortController();
    try {
      const { version } = await api.uploadVersion(name, form, setProgress, abort.current.signal);
      toast.success(`Uploaded v${version.number}`);
      qc.invalidateQueries({ queryKey: keys.models.all });
      setFile(null);
      formRef.current?.reset();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length > 0) {
        const next: Record<string, string> = {};
        for (const fe of err.errors) {
          const key = fe.path.startsWith('metadata.') ? fe.path.split('.')[1] : fe.path;
          next[key] = fe.message;
        }
        if (!Object.keys(next).some((k) => ['file', 'reference', 'description', 'source', 'feature_names', 'metrics'].includes(k))) toast.error(err.message);
        setErrors(next);
      } else {
        toast.error(err instanceof Error ? err.message : 'Upload failed');
      }
    } finally {
      setProgress(null);
      abort.current = null;
    }
  }

  const busy = progress !== null;
  return (
    <form ref={formRef} onSubmit={submit} className="space-y-4 p-5" aria-label="Upload a version">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
        className={cn(
          'rounded-lg border-2 border-dashed px-4 py-6 text-center text-sm transition-colors',
          dragging ? 'border-slate-900 bg-slate-50' : errors.file ? 'border-red-400' : 'border-slate-300',
        )}
      >
        {file ? (
          <p>
            <span className="font-medium text-slate-900">{file.name}</span> <span className="text-slate-500">({formatBytes(file.size)})</span>
          </p>
        ) : (
          <p className="text-slate-600">
            Drop an <code>.onnx</code> file here, or
          </p>
        )}
        <label
          className="mt-2 inline-block cursor-pointer rounded text-sm font-medium text-slate-900 underline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-slate-900"
          data-testid="onnx-picker"
        >
          {file ? 'choose another file' : 'choose a file'}
          <input type="file" name="file-picker" accept=".onnx" className="sr-only" aria-label="ONNX file" onChange={(e) => pick(e.target.files?.[0])} />
        </label>
        {errors.file ? (
          <p role="alert" className="mt-2 text-red-600">
            {errors.file}
          </p>
        ) : null}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="up-description" label="Description" error={errors.description}>
          <Textarea id="up-description" name="description" className="min-h-16" placeholder="What changed in this version" />
        </Field>
        <Field id="up-source" label="Source / lineage" error={errors.source} hint="Run id, commit, training data snapshot">
          <Textarea id="up-source" name="source" className="min-h-16" placeholder="git 3f2c1a0, data 2026-11-01" />
        </Field>
        <Field
          id="up-features"
          label="Feature names"
          error={errors.feature_names}
          hint="Comma-separated, in input column order. Left empty, a reference sample whose header is as wide as the input names them."
        >
          <Input id="up-features" name="feature_names" placeholder="age, tenure, plan" />
        </Field>
        <Field id="up-metrics" label="Offline metrics (JSON)" error={errors.metrics} hint='Become the monitoring baseline, e.g. {"accuracy": 0.93}'>
          <Input id="up-metrics" name="metrics" placeholder='{"accuracy": 0.93}' />
        </Field>
        <Field id="up-reference" label="Reference sample (optional)" error={errors.reference} hint="CSV or JSON rows of training data, for drift baselines">
          <Input
            id="up-reference"
            name="reference"
            type="file"
            accept=".csv,.json"
            className="focus-visible:ring-2 focus-visible:ring-slate-900 focus-visible:ring-offset-2"
          />
        </Field>
      </div>
      {busy ? <Progress value={progress} label={progress < 1 ? `Uploading ${file?.name}` : 'Validating in onnxruntime…'} /> : null}
      <div className="flex justify-end gap-2">
        {busy ? (
          <Button type="button" variant="secondary" onClick={() => abort.current?.abort()}>
            Cancel
          </Button>
        ) : null}
        <Button type="submit" disabled={busy}>
          {busy ? 'Uploading…' : 'Upload version'}
        </Button>
      </div>
    </form>
  );
}
