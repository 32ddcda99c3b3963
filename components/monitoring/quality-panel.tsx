// The monitoring page's data quality: per feature, the share of live values missing, outside the
// reference's range or of a category it never had, over the range shown; and the requests refused by
// validation, by reason and field path. Rates above the policy's quality threshold are marked.
import { Card, CardHeader } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import type { QualityDto } from '@/lib/schemas/monitoring';

const pct = (n: number, d: number) => (d > 0 ? `${((n / d) * 100).toFixed(n > 0 && n / d < 0.001 ? 2 : 1)} %` : '—');

function Cell({ n, rows, threshold }: { n: number; rows: number; threshold: number | null }) {
  const over = threshold !== null && rows > 0 && n / rows > threshold;
  return (
    <td className={cn('px-3 py-2 text-right tabular-nums', over ? 'font-semibold text-amber-800' : n > 0 ? 'text-slate-900' : 'text-slate-400')}>
      {pct(n, rows)}
      <span className="ml-1 text-xs font-normal text-slate-500">({n.toLocaleString('en-GB')})</span>
      {over ? <span className="sr-only"> above the threshold</span> : null}
    </td>
  );
}

export function QualityPanel({ quality }: { quality: QualityDto }) {
  const { features, refused, threshold, rows } = quality;
  return (
    <Card aria-labelledby="quality-title" data-testid="quality-panel">
      <CardHeader
        title={<span id="quality-title">Data quality</span>}
        description={`Live inputs against the reference sample over this range${rows > 0 ? ` (${rows.toLocaleString('en-GB')} rows)` : ''}, and the requests refused because they did not fit the model. ${
          threshold === null
            ? 'No threshold is set: set one in the policy to watch a rate.'
            : `Rates above the policy's threshold (${(threshold * 100).toFixed(1)} %) are marked and make the verdict "watch".`
        }`}
      />
      <div className="grid gap-6 p-5 lg:grid-cols-2">
        <div className="min-w-0">
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">Per feature</h3>
          {features.length === 0 || rows === 0 ? (
            <p className="mt-2 text-sm text-slate-500">
              {features.length === 0
                ? 'No reference profile: upload the version with a reference sample (or wait for its first traffic).'
                : 'No rows counted in this range.'}
            </p>
          ) : (
            <div className="-mx-5 mt-2 overflow-x-auto px-5">
              <table className="w-full min-w-[30rem] text-left text-sm" aria-label="Data quality per feature">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">
                      Feature
                    </th>
                    <th scope="col" className="px-3 text-right font-medium">
                      Missing
                    </th>
                    <th scope="col" className="px-3 text-right font-medium">
                      Outside range
                    </th>
                    <th scope="col" className="px-3 text-right font-medium">
                      New category
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {features.map((f) => (
                    <tr key={f.feature} data-testid="quality-feature">
                      <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                        {f.feature}
                        <span className="ml-1 text-xs font-normal text-slate-500">{f.kind}</span>
                      </th>
                      <Cell n={f.missing} rows={f.rows} threshold={threshold} />
                      <Cell n={f.out_of_range} rows={f.rows} threshold={threshold} />
                      <Cell n={f.new_category} rows={f.rows} threshold={threshold} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <div className="min-w-0">
          <h3 className="text-xs font-medium uppercase tracking-wide text-slate-500">
            Refused requests{' '}
            <span className="tabular-nums text-slate-900" data-testid="quality-refused-total">
              {refused.total.toLocaleString('en-GB')}
            </span>
          </h3>
          {refused.by_path.length === 0 ? (
            <p className="mt-2 text-sm text-slate-500">No request was refused by validation in this range.</p>
          ) : (
            <div className="-mx-5 mt-2 overflow-x-auto px-5">
              <table className="w-full min-w-[26rem] text-left text-sm" aria-label="Refused requests by reason and field">
                <thead className="text-xs uppercase tracking-wide text-slate-500">
                  <tr>
                    <th scope="col" className="py-2 pr-3 font-medium">
                      Field
                    </th>
                    <th scope="col" className="pr-3 font-medium">
                      Reason
                    </th>
                    <th scope="col" className="text-right font-medium">
                      Requests
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {refused.by_path.map((r) => (
                    <tr key={`${r.reason}\u0000${r.path}`} data-testid="quality-refusal">
                      <td className="py-2 pr-3 font-mono text-xs text-slate-900">{r.path}</td>
                      <td className="pr-3 text-slate-700">{r.reason}</td>
                      <td className="text-right tabular-nums text-slate-900">{r.count.toLocaleString('en-GB')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
