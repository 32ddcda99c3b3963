'use client';
// Settings → Runtime: the model cache of this server process — memory used against the budget,
// whether the serving set (production, split and shadow versions) fits, and each loaded session.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { Progress } from '@/components/ui/progress';
import { formatBytes, formatTime } from '@/lib/format';
import { runtimeQuery } from '@/lib/query/runtime-client';
import type { RuntimeDto, RuntimeVersionDto } from '@/lib/schemas/runtime';

function Versions({ versions }: { versions: RuntimeVersionDto[] }) {
  if (versions.length === 0) return <span className="text-slate-400">no version (deleted)</span>;
  return (
    <span className="flex flex-col gap-0.5">
      {versions.map((v) => (
        <span key={`${v.model}:${v.version}`} className="flex flex-wrap items-center gap-1">
          <Link className="font-medium text-slate-900 hover:underline" href={`/models/${encodeURIComponent(v.model)}/versions/${v.version}`}>
            {v.model} v{v.version}
          </Link>
          {v.roles.map((r) => (
            <Badge key={r} tone={r === 'production' ? 'green' : 'blue'}>
              {r}
            </Badge>
          ))}
        </span>
      ))}
    </span>
  );
}

function FitNotice({ cache }: { cache: RuntimeDto['model_cache'] }) {
  const s = cache.serving_set;
  if (s.fits) {
    return (
      <p data-testid="serving-set-fit" className="text-sm text-slate-600">
        <Badge tone="green">serving set fits</Badge> {s.sessions} production, split and shadow {s.sessions === 1 ? 'session needs' : 'sessions need'}{' '}
        {formatBytes(s.bytes)}.
      </p>
    );
  }
  return (
    <div role="alert" data-testid="serving-set-fit" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <p className="font-medium">The serving set does not fit in the model cache.</p>
      <p className="mt-1">
        Its {s.sessions} production, split and shadow sessions need {formatBytes(s.bytes)}
        {s.unmeasured > 0 ? ` (and ${s.unmeasured} not loaded yet)` : ''}; the budget is {formatBytes(cache.budget_bytes)}. They are evicted and loaded again as
        traffic moves between them, which slows predictions: raise <code>MODEL_CACHE_MB</code> or serve fewer versions.
      </p>
    </div>
  );
}

export function RuntimePanel() {
  const q = useQuery(runtimeQuery());
  const data = q.data;
  return (
    <Card aria-labelledby="runtime-title">
      <CardHeader
        title={<span id="runtime-title">Runtime</span>}
        description="Models loaded in this server process. Each session's memory is measured when it loads; production, split and shadow versions stay loaded while they fit, others are evicted first."
      />
      <div className="space-y-4 p-5">
        {q.isError ? (
          <p role="alert" className="text-sm text-red-600">
            {q.error.message}
          </p>
        ) : null}
        {data ? (
          <>
            <Progress
              value={data.model_cache.resident_bytes / data.model_cache.budget_bytes}
              label={`Model cache: ${formatBytes(data.model_cache.resident_bytes)} of ${formatBytes(data.model_cache.budget_bytes)}`}
            />
            <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
              {(
                [
                  ['Sessions loaded', data.model_cache.sessions],
                  ['Loads', data.model_cache.loads],
                  ['Evictions', data.model_cache.evictions],
                  ['Hits', data.model_cache.hits],
                ] as const
              ).map(([label, n]) => (
                <div key={label}>
                  <dt className="text-slate-500">{label}</dt>
                  <dd className="font-medium tabular-nums text-slate-900" data-testid={`runtime-${label.split(' ')[0].toLowerCase()}`}>
                    {n}
                  </dd>
                </div>
              ))}
            </dl>
            <FitNotice cache={data.model_cache} />
            {data.sessions.length === 0 ? (
              <p className="text-sm text-slate-500">No model is loaded yet.</p>
            ) : (
              // Eight columns: on a phone the table scrolls inside its card, the page does not.
              <div className="-mx-5 overflow-x-auto px-5">
                <table className="w-full min-w-[40rem] text-left text-sm">
                  <thead className="text-xs uppercase tracking-wide text-slate-500">
                    <tr>
                      <th className="py-2 pr-3 font-medium">Versions</th>
                      <th className="pr-3 font-medium">Artifact</th>
                      <th className="pr-3 text-right font-medium">Memory</th>
                      <th className="pr-3 text-right font-medium">Load</th>
                      <th className="pr-3 font-medium">Last used</th>
                      <th className="pr-3 text-right font-medium">Hits</th>
                      <th className="pr-3 text-right font-medium">Loads</th>
                      <th className="text-right font-medium">Evictions</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {data.sessions.map((s) => (
                      <tr key={s.sha256} data-testid="runtime-session" className="text-slate-800">
                        <td className="py-2.5 pr-3">
                          <Versions versions={s.versions} />
                        </td>
                        <td className="pr-3 font-mono text-xs" title={s.sha256}>
                          {s.sha256.slice(0, 12)}
                        </td>
                        <td className="pr-3 text-right tabular-nums">{formatBytes(s.bytes)}</td>
                        <td className="pr-3 text-right tabular-nums">{s.load_ms} ms</td>
                        <td className="pr-3">{formatTime(s.last_used_at)}</td>
                        <td className="pr-3 text-right tabular-nums">{s.hits}</td>
                        <td className="pr-3 text-right tabular-nums">{s.loads}</td>
                        <td className="text-right tabular-nums">{s.evictions}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {data.serving_not_resident.length > 0 ? (
              <div>
                <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Serving versions not loaded now</h3>
                <ul className="mt-2 space-y-1 text-sm" data-testid="runtime-not-resident">
                  {data.serving_not_resident.map((m) => (
                    <li key={m.sha256} className="flex flex-wrap items-center gap-3">
                      <Versions versions={m.versions} />
                      <span className="text-slate-500">
                        {m.bytes === null ? 'not loaded yet' : `${formatBytes(m.bytes)}, loaded ${m.loads}×, evicted ${m.evictions}×`}
                      </span>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </>
        ) : q.isPending ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : null}
      </div>
    </Card>
  );
}
