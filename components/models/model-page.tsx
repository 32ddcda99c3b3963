'use client';
// A model's page: header with aliases and rollback, versions table, traffic, upload, timeline.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { toast } from 'sonner';
import { formatShare, productionShares } from '@/components/experiments/traffic';
import { TrafficPanel } from '@/components/experiments/traffic-panel';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { TASK_LABELS } from '@/lib/format';
import { api } from '@/lib/query/api-client';
import { keys, modelQueries } from '@/lib/query/keys';
import { rollbackSource } from '@/lib/rollback';
import { EventTimeline } from './event-timeline';
import { ModelVerdict } from './model-verdict';
import { ReasonField, reasonOf } from './reason-field';
import { OutcomesUpload } from './outcomes-upload';
import { ProductionEndpoint } from './production-endpoint';
import { UploadForm } from './upload-form';
import { VersionsTable } from './versions-table';

export function ModelPage({ name, origin }: { name: string; origin: string }) {
  const qc = useQueryClient();
  const { data, error } = useQuery(modelQueries.detail(name));
  const { data: events } = useQuery(modelQueries.events(name));
  const [confirmRollback, setConfirmRollback] = useState(false);
  const [rollbackReason, setRollbackReason] = useState('');
  const rollback = useMutation({
    mutationFn: () => api.rollbackAlias(name, 'production', reasonOf(rollbackReason)),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: keys.models.all });
      toast.success(`production rolled back: v${r.previous} → v${r.version}`);
      setConfirmRollback(false);
      setRollbackReason('');
    },
    onError: (err) => {
      toast.error(err.message);
      setConfirmRollback(false);
    },
  });
  if (error)
    return (
      <p role="alert" className="text-red-600">
        Could not load the model: {error.message}
      </p>
    );
  if (!data) return null;
  const { model, versions, aliases } = data;
  const target = rollbackSource(events?.events ?? [], 'production', aliases.production);
  const shares = productionShares(data) ?? [];
  const canary = shares.filter((e) => !e.champion).reduce((sum, e) => sum + e.share, 0);
  const experiments: Record<number, string> = Object.fromEntries([
    ...data.shadows.map((v) => [v, 'shadow']),
    ...shares.filter((e) => !e.champion).map((e) => [e.version, `canary ${formatShare(e.share)}`]),
  ]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="break-all text-2xl font-semibold tracking-tight">{model.name}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
            <Badge>{TASK_LABELS[model.task]}</Badge>
            {model.labels ? <span>labels: {model.labels.join(', ')}</span> : null}
          </div>
          {model.description ? <p className="mt-2 max-w-2xl text-sm text-slate-700">{model.description}</p> : null}
          <ModelVerdict name={name} served={aliases.production !== undefined} />
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Link
            href={`/models/${encodeURIComponent(name)}/monitoring`}
            className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-900 hover:bg-slate-50"
          >
            Monitoring
          </Link>
          <Link
            href={`/models/${encodeURIComponent(name)}/predictions`}
            className="inline-flex h-9 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-900 hover:bg-slate-50"
          >
            Predictions
          </Link>
          <div className="text-right text-sm" data-testid="production-alias">
            <div className="text-xs uppercase tracking-wide text-slate-500">production</div>
            <div className="text-lg font-semibold">{aliases.production ? `v${aliases.production}` : '—'}</div>
            {canary > 0 ? <div className="text-xs text-sky-700">split · canary {formatShare(canary)}</div> : null}
          </div>
          <Button
            variant="secondary"
            disabled={target === null || rollback.isPending}
            title={target === null ? 'No earlier production version to return to' : `Return production to v${target}`}
            onClick={() => setConfirmRollback(true)}
          >
            Roll back{target !== null ? ` to v${target}` : ''}
          </Button>
        </div>
      </div>

      <ProductionEndpoint name={name} origin={origin} production={aliases.production} />

      <Card>
        <CardHeader
          title="Versions"
          description={
            Object.keys(aliases).length > 0
              ? Object.entries(aliases)
                  .map(([a, v]) => `${a} → v${v}`)
                  .join(' · ')
              : 'No aliases yet: promote a version to serve it.'
          }
        />
        {versions.length > 0 ? (
          <div className="overflow-x-auto">
            <VersionsTable name={name} versions={versions} aliases={aliases} experiments={experiments} splitAliases={Object.keys(data.splits)} />
          </div>
        ) : (
          <div className="p-5">
            <EmptyState title="No versions yet">Upload an .onnx file below to create v1.</EmptyState>
          </div>
        )}
      </Card>

      {versions.length > 0 ? <TrafficPanel name={name} detail={data} /> : null}

      <Card>
        <CardHeader title="Upload a version" description="The file is checked by onnxruntime before anything is stored." />
        <UploadForm name={name} />
      </Card>

      <Card>
        <CardHeader title="Outcomes" description="Ground truth for logged predictions, as it becomes known; it feeds live accuracy." />
        <OutcomesUpload name={name} regression={model.task === 'regression'} />
      </Card>

      <Card>
        <CardHeader title="Timeline" />
        <EventTimeline name={name} />
      </Card>

      <Dialog
        open={confirmRollback}
        onClose={() => setConfirmRollback(false)}
        title="Roll back production?"
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirmRollback(false)}>
              Cancel
            </Button>
            <Button variant="danger" disabled={rollback.isPending} onClick={() => rollback.mutate()}>
              {rollback.isPending ? 'Rolling back…' : `Roll back to v${target}`}
            </Button>
          </>
        }
      >
        production moves from v{aliases.production} back to v{target}. The next prediction is served by v{target}.
        <ReasonField id="rollback-reason" value={rollbackReason} onChange={setRollbackReason} />
      </Dialog>
    </div>
  );
}
