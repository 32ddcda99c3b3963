'use client';
// Starts or changes production's canary split: the champion and its challengers with weights, a
// live preview of the shares, and every mistake named next to its field before anything is sent.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Input, Select } from '@/components/ui/field';
import { ApiError, api } from '@/lib/query/api-client';
import { trafficKeys } from '@/lib/query/keys';
import { useSingleFlight } from '@/lib/query/single-flight';
import type { ModelDetailDto } from '@/lib/schemas/registry';
import { SplitBar } from './split-bar';
import { checkSplit, formatShare, initialRows, liveVersions, MAX_SPLIT_VERSIONS, parseWeight, SHARE_COLORS, type SplitRow } from './traffic';

export function SplitEditor({ name, detail, onClose }: { name: string; detail: ModelDetailDto; onClose: () => void }) {
  const qc = useQueryClient();
  const id = useId();
  const [rows, setRows] = useState<SplitRow[]>(() => initialRows(detail));
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const champion = detail.aliases.production!;
  const editing = (detail.splits?.production?.length ?? 0) > 1;
  const check = checkSplit(rows);
  const candidates = liveVersions(detail).filter((v) => !rows.some((r) => r.version === v));
  const [toAdd, setToAdd] = useState<string>('');
  const addable = candidates.includes(Number(toAdd)) ? Number(toAdd) : candidates[0];

  const save = useMutation({
    mutationFn: () =>
      api.setSplit(
        name,
        'production',
        rows.map((r) => ({ version: r.version, weight: parseWeight(r.weight)! })),
      ),
    onSuccess: async () => {
      await Promise.all(trafficKeys(name).map((queryKey) => qc.invalidateQueries({ queryKey })));
      toast.success(`production split: ${rows.map((r, i) => `v${r.version} ${formatShare(check.shares[i] ?? 0)}`).join(' · ')}`);
      onClose();
    },
    onError: (err) => setServerError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err))),
  });

  const send = useSingleFlight(save);
  const update = (next: SplitRow[]) => {
    setRows(next);
    setServerError(null);
  };
  const rowError = (i: number) => check.rows[i] ?? serverError?.forField(`versions[${i}].weight`) ?? serverError?.forField(`versions[${i}]`);
  // A server message no row claims is shown for the form (e.g. a version archived meanwhile).
  const formError = check.form ?? (serverError && !rows.some((_, i) => serverError.forField(`versions[${i}]`)) ? serverError.message : undefined);

  return (
    <form
      aria-label="Canary split"
      className="space-y-4 rounded-lg border border-slate-200 bg-slate-50/70 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (check.ok) send();
      }}
      noValidate
    >
      <div>
        <h3 className="text-sm font-semibold text-slate-900">{editing ? 'Change the split' : 'Start a canary split'}</h3>
        <p className="mt-0.5 text-xs text-slate-500">
          Weights are shares of their sum (70 and 30, or 7 and 3, are the same split). A request that names its client id always goes to the same version;
          others are spread at random.
        </p>
      </div>

      <table className="w-full max-w-2xl text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-1.5 pr-3 font-medium">Version</th>
            <th className="py-1.5 pr-3 font-medium">Weight</th>
            <th className="py-1.5 pr-3 font-medium">Share</th>
            <th className="py-1.5 font-medium">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody className="align-top">
          {rows.map((r, i) => {
            const error = rowError(i);
            const inputId = `${id}-w-${r.version}`;
            return (
              <tr key={r.version} data-testid={`split-row-${r.version}`}>
                <td className="py-2 pr-3">
                  <label htmlFor={inputId} className="flex items-center gap-2 pt-2 font-medium text-slate-900">
                    <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-sm" style={{ backgroundColor: SHARE_COLORS[i % SHARE_COLORS.length] }} />v
                    {r.version}
                    <span className="sr-only"> weight</span>
                    <span className="text-xs font-normal text-slate-500">{r.version === champion ? 'champion' : 'challenger'}</span>
                  </label>
                </td>
                <td className="w-40 py-2 pr-3">
                  <Input
                    id={inputId}
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="any"
                    value={r.weight}
                    onChange={(e) => update(rows.map((x, j) => (j === i ? { ...x, weight: e.target.value } : x)))}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${inputId}-error` : undefined}
                    className="h-9 py-1.5 tabular-nums"
                  />
                  {error ? (
                    <p id={`${inputId}-error`} role="alert" className="mt-1 text-xs text-red-600">
                      {error}
                    </p>
                  ) : null}
                </td>
                <td className="w-24 py-2 pr-3 pt-4 tabular-nums text-slate-700" data-testid="split-row-share">
                  {check.shares[i] === null ? '—' : formatShare(check.shares[i]!)}
                </td>
                <td className="py-2 pt-2.5 text-right">
                  {r.version !== champion ? (
                    <Button
                      type="button"
                      size="sm"
                      variant="ghost"
                      onClick={() => update(rows.filter((_, j) => j !== i))}
                      aria-label={`Remove v${r.version} from the split`}
                    >
                      Remove
                    </Button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      {candidates.length > 0 && rows.length < MAX_SPLIT_VERSIONS ? (
        <div className="flex items-end gap-2">
          <div className="space-y-1">
            <label htmlFor={`${id}-add`} className="block text-xs font-medium text-slate-600">
              Challenger
            </label>
            <Select id={`${id}-add`} value={String(addable)} onChange={(e) => setToAdd(e.target.value)} className="h-9 w-40 py-1.5">
              {candidates.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </Select>
          </div>
          <Button type="button" variant="secondary" onClick={() => update([...rows, { version: addable, weight: '10' }])}>
            Add to split
          </Button>
        </div>
      ) : rows.length < 2 ? (
        <p className="text-xs text-slate-500">Upload another version (or restore an archived one) to split traffic with it.</p>
      ) : null}

      <div className="space-y-1.5">
        <p className="text-xs font-medium text-slate-600">Preview</p>
        <SplitBar
          size="sm"
          label="Split preview"
          parts={rows.map((r, i) => ({ version: r.version, share: check.shares[i], champion: r.version === champion }))}
        />
      </div>

      {formError ? (
        <p role="alert" className="text-sm text-red-600">
          {formError}
        </p>
      ) : null}

      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={onClose} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" disabled={!check.ok || save.isPending}>
          {save.isPending ? 'Saving…' : editing ? 'Save split' : 'Start split'}
        </Button>
      </div>
    </form>
  );
}
