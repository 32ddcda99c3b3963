'use client';
// The overview: every model with its task, production version and latest version.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { formatTime, TASK_LABELS } from '@/lib/format';
import { modelQueries } from '@/lib/query/keys';
import { DemoButton } from './demo-button';

export function ModelsOverview() {
  const { data, error } = useQuery(modelQueries.list());
  if (error)
    return (
      <p role="alert" className="text-red-600">
        Could not load models: {error.message}
      </p>
    );
  const models = data?.models ?? [];
  return (
    <div>
      <div className="flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <p className="mt-1 text-sm text-slate-600">Every model, its production version and its latest upload.</p>
        </div>
      </div>
      {models.length === 0 ? (
        <div className="mt-6">
          <EmptyState title="No models yet">
            <ol className="mx-auto max-w-md list-decimal space-y-1 text-left">
              <li>Export your trained model to ONNX (skl2onnx, torch.onnx.export, onnxmltools…).</li>
              <li>
                <Link className="font-medium text-slate-900 underline" href="/models/new">
                  Create a model
                </Link>{' '}
                and upload the .onnx file as its first version.
              </li>
              <li>
                Promote a version to <code>production</code>; it then serves predictions over REST.
              </li>
            </ol>
            <div className="mt-5">
              <DemoButton />
            </div>
          </EmptyState>
        </div>
      ) : (
        <div className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2.5 font-medium">Model</th>
                <th className="px-4 py-2.5 font-medium">Task</th>
                <th className="px-4 py-2.5 font-medium">Production</th>
                <th className="px-4 py-2.5 font-medium">Latest</th>
                <th className="px-4 py-2.5 font-medium">Versions</th>
                <th className="px-4 py-2.5 font-medium">Updated</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {models.map((m) => (
                <tr key={m.name} className="hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <Link href={`/models/${encodeURIComponent(m.name)}`} className="font-medium text-slate-900 hover:underline">
                      {m.name}
                    </Link>
                    {m.needs_retraining ? (
                      <Link href={`/models/${encodeURIComponent(m.name)}/monitoring`} className="ml-2" title="Open monitoring">
                        <Badge tone="red">needs retraining</Badge>
                      </Link>
                    ) : m.retraining_reason ? (
                      <Badge tone="amber" className="ml-2">
                        watch
                      </Badge>
                    ) : null}
                    {m.description ? <p className="mt-0.5 line-clamp-1 text-xs text-slate-500">{m.description}</p> : null}
                    {m.retraining_reason ? (
                      <ul className="mt-1 space-y-0.5 text-xs text-slate-600" aria-label={`Why ${m.name} is flagged`}>
                        {m.retraining_reason
                          .split('\n')
                          .slice(0, 3)
                          .map((line) => (
                            <li key={line}>{line}</li>
                          ))}
                      </ul>
                    ) : null}
                  </td>
                  <td className="px-4 py-3 text-slate-600">{TASK_LABELS[m.task]}</td>
                  <td className="px-4 py-3">
                    {m.aliases.production ? <Badge tone="green">v{m.aliases.production}</Badge> : <span className="text-slate-400">none</span>}
                  </td>
                  <td className="px-4 py-3 text-slate-700">
                    {m.latest_version ? `v${m.latest_version}` : <span className="text-slate-400">no versions</span>}
                  </td>
                  <td className="px-4 py-3 text-slate-700">{m.version_count}</td>
                  <td className="px-4 py-3 text-slate-500">{formatTime(m.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
